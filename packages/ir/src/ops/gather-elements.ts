// GatherElements(data, indices) {axis}: output[i…] = data[i… with the axis entry replaced by
// indices[i…]]; the output has the shape of indices. Negative indices count from the end.
import { Dim, Node } from '../graph.js';
import { OpDef, attrInt, fail, input, normalizeAxis, registerOp } from '../op-registry.js';
import { allocateArray } from '../dtype.js';
import { indices as allIndices } from '../reference.js';
import { stridesOf } from '../tensor.js';
import { expectIntDType } from './shape-util.js';
import { checkedIndex } from './scatter-util.js';

/** Checks that `idx` has data's rank and no dim larger than data's outside the axis. */
export function checkElementIndices(node: Parameters<typeof fail>[0], data: readonly Dim[], idx: readonly Dim[], axis: number, what: string): void {
  if (idx.length !== data.length) fail(node, `${what} has rank ${idx.length}; data has rank ${data.length}`);
  idx.forEach((d, i) => {
    const x = data[i]!;
    if (i !== axis && typeof d === 'number' && typeof x === 'number' && d > x) fail(node, `${what} shape [${idx}] exceeds data shape [${data}] at dim ${i}`);
  });
}

export interface GatherElementsAttrs { axis: number }

export function gatherElementsAttrs(node: Node): GatherElementsAttrs {
  return { axis: attrInt(node, 'axis') };
}

export const gatherElements: OpDef = {
  name: 'GatherElements',
  group: 'movement',
  description: 'pick one data entry along an axis for every index element',
  infer(ctx) {
    const x = input(ctx, 0), idx = input(ctx, 1);
    expectIntDType(ctx, 1, 'indices');
    if (x.shape.length === 0) fail(ctx.node, 'data (input 0) must have rank >= 1');
    const axis = normalizeAxis(ctx.node, gatherElementsAttrs(ctx.node).axis, x.shape.length);
    checkElementIndices(ctx.node, x.shape, idx.shape, axis, 'indices');
    return [{ dtype: x.dtype, shape: [...idx.shape] }];
  },
  evaluate(node, [x, idx]) {
    const axis = normalizeAxis(node, gatherElementsAttrs(node).axis, x!.dims.length);
    const strides = stridesOf(x!.dims);
    const data = allocateArray(x!.dtype, idx!.data.length) as Float32Array;
    const src = x!.data as Float32Array;
    let k = 0;
    for (const at of allIndices(idx!.dims)) {
      let off = 0;
      for (let d = 0; d < at.length; d++) {
        const i = d === axis ? checkedIndex(node, Number(idx!.data[k]!), x!.dims[d]!, 'index') : at[d]!;
        off += i * strides[d]!;
      }
      data[k++] = src[off]!;
    }
    return [{ dtype: x!.dtype, dims: [...idx!.dims], data }];
  },
  flops: () => 0,
};

registerOp(gatherElements);
