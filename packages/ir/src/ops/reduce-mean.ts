// ReduceMean(x) {axes, keepdims, noop_with_empty_axes}: the mean over the listed axes (all axes
// when the list is empty, unless noop_with_empty_axes=1 makes that the identity). The
// importer turns the opset-18 axes input into the attribute.
import { Dim, Node } from '../graph.js';
import { OpDef, attrInt, attrInts, expectDType, input } from '../op-registry.js';
import { indices } from '../reference.js';
import { makeTensor, sizeOf, stridesOf } from '../tensor.js';
import { normalizeAxes } from './shape-util.js';

/** The attributes of ReduceMean and the Reduce* family (reduce.ts). */
export interface ReduceAttrs {
  /** As given (not yet normalized against the rank); empty means all axes, or none with noopWithEmptyAxes. */
  axes: number[];
  keepdims: boolean;
  /** Read only with empty axes, the one case it decides (false otherwise). */
  noopWithEmptyAxes: boolean;
}

export function reduceAttrs(node: Node): ReduceAttrs {
  const axes = attrInts(node, 'axes');
  return { axes, keepdims: attrInt(node, 'keepdims') !== 0, noopWithEmptyAxes: axes.length === 0 && attrInt(node, 'noop_with_empty_axes') !== 0 };
}

/** The reduced axes (sorted); an empty list means "nothing to do". */
export function reducedAxes(node: Node, rank: number): number[] {
  const { axes, noopWithEmptyAxes } = reduceAttrs(node);
  if (axes.length === 0) return noopWithEmptyAxes ? [] : Array.from({ length: rank }, (_, i) => i);
  return normalizeAxes(node, axes, rank).sort((a, b) => a - b);
}

export function reducedShape<D extends Dim>(node: Node, shape: readonly D[]): D[] {
  const axes = reducedAxes(node, shape.length);
  const keep = reduceAttrs(node).keepdims;
  const out: D[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keep) out.push(1 as D);
  });
  return out;
}

/** ReduceMean's definition; the Reduce op (reduce.ts) runs it for fn 'ReduceMean'. */
export const reduceMean: OpDef = {
  name: 'ReduceMean',
  group: 'reduce',
  description: 'mean over the listed axes (all when empty)',
  infer(ctx) {
    const dtype = expectDType(ctx, 0, ['float32', 'float64']);
    return [{ dtype, shape: reducedShape(ctx.node, input(ctx, 0).shape) }];
  },
  evaluate(node, [x]) {
    const dims = x!.dims;
    const axes = reducedAxes(node, dims.length);
    // Accumulate in float64 into the keepdims-shaped output, then divide.
    const keptDims = dims.map((d, i) => (axes.includes(i) ? 1 : d));
    const outStrides = stridesOf(keptDims);
    const sums = new Float64Array(sizeOf(keptDims));
    let k = 0;
    for (const idx of indices(dims)) {
      let o = 0;
      for (let d = 0; d < idx.length; d++) if (!axes.includes(d)) o += idx[d]! * outStrides[d]!;
      sums[o] += Number(x!.data[k++]!);
    }
    const count = axes.reduce((p, a) => p * dims[a]!, 1);
    const out = makeTensor(x!.dtype, reducedShape(node, dims));
    // The mean over an empty axis is 0, as onnxruntime gives it (the kernel agrees).
    for (let i = 0; i < sums.length; i++) (out.data as Float32Array)[i] = count ? sums[i]! / count : 0;
    return [out];
  },
  flops(ctx) { return sizeOf(input(ctx, 0).shape.filter((d): d is number => typeof d === 'number')); },
};

