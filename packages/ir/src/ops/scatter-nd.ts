// ScatterND(data, indices, updates) {reduction}: a copy of data where each index tuple (the last
// dim of indices, k entries) addresses a slab data[i0, …, ik-1, …] that is set to (or reduced with
// add/mul/max/min) the matching slab of updates. updates.shape = indices.shape[:-1] +
// data.shape[k:]. Tuples are applied in order, so with duplicates and 'none' the last one wins.
import { OpDef, fail, input, registerOp } from '../op-registry.js';
import { expectIntDType } from './shape-util.js';
import { checkNdIndices, ndPlan } from './gather-nd.js';
import { checkedIndex, reduceElement, scatterReduction } from './scatter-util.js';

export const scatterND: OpDef = {
  name: 'ScatterND',
  group: 'movement',
  description: 'write (or reduce) slabs of updates into a copy of data at index tuples',
  infer(ctx) {
    const x = input(ctx, 0), idx = input(ctx, 1), upd = input(ctx, 2);
    expectIntDType(ctx, 1, 'indices');
    scatterReduction(ctx.node, x.dtype);
    if (upd.dtype !== x.dtype) fail(ctx.node, `updates has dtype ${upd.dtype}; data has ${x.dtype}`, 'DTYPE_MISMATCH');
    const k = checkNdIndices(ctx.node, x.shape, idx.shape, 0);
    const want = [...idx.shape.slice(0, -1), ...x.shape.slice(k)];
    if (upd.shape.length !== want.length || upd.shape.some((d, i) => typeof d === 'number' && typeof want[i] === 'number' && d !== want[i])) {
      fail(ctx.node, `updates has shape [${upd.shape}]; expected [${want}]`);
    }
    return [{ dtype: x.dtype, shape: [...x.shape] }];
  },
  evaluate(node, [x, idx, upd]) {
    const r = scatterReduction(node, x!.dtype);
    const p = ndPlan(x!.dims, idx!.dims, 0);
    const out = x!.data.slice() as Float32Array;
    const u = upd!.data as Float32Array;
    for (let t = 0; t < p.tuples; t++) {
      let off = 0;
      for (let j = 0; j < p.k; j++) off += checkedIndex(node, Number(idx!.data[t * p.k + j]!), p.dims[j]!, 'index') * p.strides[j]!;
      for (let e = 0; e < p.slab; e++) out[off + e] = reduceElement(x!.dtype, r, out[off + e]!, u[t * p.slab + e]!) as number;
    }
    return [{ dtype: x!.dtype, dims: [...x!.dims], data: out }];
  },
};

registerOp(scatterND);
