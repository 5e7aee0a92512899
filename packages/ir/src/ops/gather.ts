// Gather(data, indices) {axis}: picks entries of `data` along `axis`; the output shape is
// data[:axis] + indices.shape + data[axis+1:]. Negative indices count from the end.
import { Node } from '../graph.js';
import { OpDef, attrInt, fail, input, normalizeAxis, registerOp } from '../op-registry.js';
import { allocateArray } from '../dtype.js';
import { sizeOf } from '../tensor.js';
import { expectIntDType } from './shape-util.js';

export interface GatherAttrs { axis: number }

export function gatherAttrs(node: Node): GatherAttrs {
  return { axis: attrInt(node, 'axis') };
}

export const gather: OpDef = {
  name: 'Gather',
  group: 'movement',
  description: 'pick entries along an axis by (int32/int64) indices',
  infer(ctx) {
    const x = input(ctx, 0), idx = input(ctx, 1);
    expectIntDType(ctx, 1, 'indices');
    if (x.shape.length === 0) fail(ctx.node, 'data (input 0) must have rank >= 1');
    const axis = normalizeAxis(ctx.node, gatherAttrs(ctx.node).axis, x.shape.length);
    return [{ dtype: x.dtype, shape: [...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)] }];
  },
  evaluate(node, [x, idx]) {
    const axis = normalizeAxis(node, gatherAttrs(node).axis, x!.dims.length);
    const dim = x!.dims[axis]!;
    const outer = sizeOf(x!.dims.slice(0, axis)), inner = sizeOf(x!.dims.slice(axis + 1));
    const n = idx!.data.length;
    const outDims = [...x!.dims.slice(0, axis), ...idx!.dims, ...x!.dims.slice(axis + 1)];
    const data = allocateArray(x!.dtype, sizeOf(outDims)) as Float32Array;
    const src = x!.data as Float32Array;
    for (let j = 0; j < n; j++) {
      let i = Number(idx!.data[j]!);
      if (i < -dim || i >= dim) fail(node, `index ${i} is out of range for axis ${axis} of size ${dim}`);
      if (i < 0) i += dim;
      for (let o = 0; o < outer; o++) {
        for (let k = 0; k < inner; k++) data[(o * n + j) * inner + k] = src[(o * dim + i) * inner + k]!;
      }
    }
    return [{ dtype: x!.dtype, dims: outDims, data }];
  },
  flops: () => 0,
};

registerOp(gather);
