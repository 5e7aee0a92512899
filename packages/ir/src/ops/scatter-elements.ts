// ScatterElements(data, indices, updates) {axis, reduction}: a copy of data where, for every
// element of indices, output[i… with the axis entry replaced by indices[i…]] is set to (or
// reduced with add/mul/max/min) updates[i…]. Updates are applied in row-major order, so with
// duplicate indices and reduction 'none' the last one wins. ONNX's deprecated Scatter is this op.
import { Node } from '../graph.js';
import { OpDef, attrInt, fail, input, normalizeAxis, registerOp } from '../op-registry.js';
import { indices as allIndices } from '../reference.js';
import { stridesOf } from '../tensor.js';
import { expectIntDType } from './shape-util.js';
import { checkElementIndices } from './gather-elements.js';
import { checkedIndex, reduceElement, scatterReduction } from './scatter-util.js';

/** ScatterElements' axis; its reduction is read by scatterReduction, shared with ScatterND. */
export interface ScatterElementsAttrs { axis: number }

export function scatterElementsAttrs(node: Node): ScatterElementsAttrs {
  return { axis: attrInt(node, 'axis') };
}

export const scatterElements: OpDef = {
  name: 'ScatterElements',
  group: 'movement',
  description: 'write (or reduce) updates into a copy of data at per-element indices along an axis',
  infer(ctx) {
    const x = input(ctx, 0), idx = input(ctx, 1), upd = input(ctx, 2);
    expectIntDType(ctx, 1, 'indices');
    scatterReduction(ctx.node, x.dtype);
    if (x.shape.length === 0) fail(ctx.node, 'data (input 0) must have rank >= 1');
    if (upd.dtype !== x.dtype) fail(ctx.node, `updates has dtype ${upd.dtype}; data has ${x.dtype}`, 'DTYPE_MISMATCH');
    if (upd.shape.length !== idx.shape.length || upd.shape.some((d, i) => typeof d === 'number' && typeof idx.shape[i] === 'number' && d !== idx.shape[i])) {
      fail(ctx.node, `updates shape [${upd.shape}] differs from indices shape [${idx.shape}]`);
    }
    const axis = normalizeAxis(ctx.node, scatterElementsAttrs(ctx.node).axis, x.shape.length);
    checkElementIndices(ctx.node, x.shape, idx.shape, axis, 'indices');
    return [{ dtype: x.dtype, shape: [...x.shape] }];
  },
  evaluate(node, [x, idx, upd]) {
    const axis = normalizeAxis(node, scatterElementsAttrs(node).axis, x!.dims.length);
    const r = scatterReduction(node, x!.dtype);
    const strides = stridesOf(x!.dims);
    const out = x!.data.slice() as Float32Array;
    let k = 0;
    for (const at of allIndices(idx!.dims)) {
      let off = 0;
      for (let d = 0; d < at.length; d++) {
        const i = d === axis ? checkedIndex(node, Number(idx!.data[k]!), x!.dims[d]!, 'index') : at[d]!;
        off += i * strides[d]!;
      }
      out[off] = reduceElement(x!.dtype, r, out[off]!, upd!.data[k]!) as number;
      k++;
    }
    return [{ dtype: x!.dtype, dims: [...x!.dims], data: out }];
  },
  flops: (ctx) => (ctx.inputs[1]?.shape ?? []).reduce<number>((a, d) => a * (typeof d === 'number' ? d : 1), 1),
};

registerOp(scatterElements);
