// Split(x, split?) {axis}: cuts x along `axis` into one piece per output. With `split` (1-D int64)
// piece k has split[k] entries; without it the pieces have ceil(dim / n) entries and the last one
// takes what is left (opset 18's num_outputs rule; exact for evenly divisible dims). The importer
// turns the attribute forms of older opsets into the `split` input.
import { Dim, Node } from '../graph.js';
import { OpDef, attrInt, fail, input, normalizeAxis, registerOp } from '../op-registry.js';
import { allocateArray } from '../dtype.js';
import { Tensor, sizeOf, toNumbers } from '../tensor.js';
import { expectIntDType, intValues, unknownDim } from './shape-util.js';
import { dimDiv } from '../dim-expr.js';
import { computedDimSymbol } from './computed-dims.js';

/** The length of every piece along the axis. */
export function splitSizes(node: Node, dim: number, outputs: number, split?: number[]): number[] {
  if (split) {
    if (split.length !== outputs) fail(node, `split has ${split.length} entries for ${outputs} outputs`);
    if (split.some((s) => s < 0 || !Number.isInteger(s))) fail(node, `split [${split}] has a negative entry`, 'INVALID_ATTRIBUTE');
    const total = split.reduce((a, b) => a + b, 0);
    if (total !== dim) fail(node, `split [${split}] sums to ${total}, but the axis has ${dim} entries`);
    return split;
  }
  const chunk = Math.ceil(dim / outputs);
  const last = dim - chunk * (outputs - 1);
  if (last < 0) fail(node, `cannot split ${dim} entries into ${outputs} pieces of ${chunk}`);
  return [...new Array<number>(outputs - 1).fill(chunk), last];
}

export interface SplitAttrs { axis: number }

export function splitAttrs(node: Node): SplitAttrs {
  return { axis: attrInt(node, 'axis') };
}

export const split: OpDef = {
  name: 'Split',
  group: 'movement',
  description: 'cut the input along one axis into one piece per output',
  infer(ctx) {
    const { node } = ctx;
    const x = input(ctx, 0);
    const n = node.outputs.length;
    if (n === 0) fail(node, 'needs at least one output');
    const axis = normalizeAxis(node, splitAttrs(node).axis, x.shape.length);
    expectIntDType(ctx, 1, 'split', ['int64']);
    const dim = x.shape[axis]!;
    const given = ctx.inputs[1] ? intValues(ctx, 1, 'split') : undefined;
    let sizes: Dim[];
    // Sizes known only at run time: value-dependent dims (computed-dims.ts), each at most the axis.
    if (ctx.inputs[1] && !given) sizes = node.outputs.map((_, k) => computedDimSymbol(node, `part${k}`));
    else if (typeof dim === 'number') sizes = splitSizes(node, dim, n, given);
    else if (given) sizes = given;
    else {
      const piece = dimDiv(dim, n);
      sizes = node.outputs.map((_, k) => piece ?? unknownDim(node, axis, k));
    }
    return sizes.map((s) => ({ dtype: x.dtype, shape: x.shape.map((d, i) => (i === axis ? s : d)) }));
  },
  evaluate(node, [x, s]) {
    const axis = normalizeAxis(node, splitAttrs(node).axis, x!.dims.length);
    const dim = x!.dims[axis]!;
    const sizes = splitSizes(node, dim, node.outputs.length, s ? toNumbers(s) : undefined);
    const outer = sizeOf(x!.dims.slice(0, axis)), inner = sizeOf(x!.dims.slice(axis + 1));
    const src = x!.data as Float32Array;
    let at = 0;
    return sizes.map((len): Tensor => {
      const dims = x!.dims.map((d, i) => (i === axis ? len : d));
      const data = allocateArray(x!.dtype, sizeOf(dims)) as Float32Array;
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < len * inner; j++) data[o * len * inner + j] = src[(o * dim + at) * inner + j]!;
      }
      at += len;
      return { dtype: x!.dtype, dims, data };
    });
  },
  flops: () => 0,
};

registerOp(split);
