// Concat(x0, x1, …) {axis}: joins inputs of equal rank along `axis`; other dims must agree.
import { Dim, Node } from '../graph.js';
import { OpDef, attrInt, fail, input, normalizeAxis, registerOp } from '../op-registry.js';
import { allocateArray } from '../dtype.js';
import { Tensor, sizeOf } from '../tensor.js';
import { dimAdd } from '../dim-expr.js';

export interface ConcatAttrs { axis: number }

export function concatAttrs(node: Node): ConcatAttrs {
  return { axis: attrInt(node, 'axis') };
}

export const concat: OpDef = {
  name: 'Concat',
  group: 'movement',
  description: 'join inputs along one axis',
  infer(ctx) {
    const { node } = ctx;
    if (ctx.inputs.length === 0) fail(node, 'needs at least one input');
    const xs = ctx.inputs.map((_, i) => input(ctx, i));
    const rank = xs[0]!.shape.length;
    if (rank === 0) fail(node, 'cannot concatenate scalars (rank 0)');
    const axis = normalizeAxis(node, concatAttrs(node).axis, rank);
    const out: Dim[] = [...xs[0]!.shape];
    let total: Dim = 0;
    xs.forEach((x, k) => {
      if (x.dtype !== xs[0]!.dtype) fail(node, `input ${k} has dtype ${x.dtype}, input 0 has ${xs[0]!.dtype}`, 'DTYPE_MISMATCH');
      if (x.shape.length !== rank) fail(node, `input ${k} has rank ${x.shape.length} ([${x.shape}]), input 0 has rank ${rank}`);
      x.shape.forEach((d, i) => {
        if (i === axis) return;
        const o = out[i]!;
        if (typeof d === 'number' && typeof o === 'number' && d !== o) fail(node, `input ${k} has shape [${x.shape}], which differs from [${xs[0]!.shape}] outside axis ${axis}`);
        if (typeof o !== 'number' && typeof d === 'number') out[i] = d;
      });
      total = dimAdd(total, x.shape[axis]!);
    });
    out[axis] = total;
    return [{ dtype: xs[0]!.dtype, shape: out }];
  },
  evaluate(node, inputs) {
    const xs = inputs as Tensor[];
    const rank = xs[0]!.dims.length;
    const axis = normalizeAxis(node, concatAttrs(node).axis, rank);
    const outDims = [...xs[0]!.dims];
    outDims[axis] = xs.reduce((s, x) => s + x.dims[axis]!, 0);
    const outer = sizeOf(outDims.slice(0, axis));
    const inner = sizeOf(outDims.slice(axis + 1));
    const data = allocateArray(xs[0]!.dtype, sizeOf(outDims)) as Float32Array;
    let k = 0;
    for (let o = 0; o < outer; o++) {
      for (const x of xs) {
        const run = x.dims[axis]! * inner;
        const src = x.data as Float32Array;
        for (let j = 0; j < run; j++) data[k++] = src[o * run + j]!;
      }
    }
    return [{ dtype: xs[0]!.dtype, dims: outDims, data }];
  },
  flops: () => 0,
};

registerOp(concat);
