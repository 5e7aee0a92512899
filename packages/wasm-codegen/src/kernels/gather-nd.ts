// GatherND: for every batch and index tuple, the tuple's k checked indices give a data offset and
// one memory.copy moves the slab. Any dtype; out-of-range indices trap.
import { DTYPE_BYTES, attrInt, ndPlan } from '@onnx2wasm/ir';
import { registerLowering } from '../lowering.js';
import { Expr } from '../wasm-builder.js';
import { loadIndex } from './index-util.js';
import { stridedLoops } from './strided-loops.js';

registerLowering({
  ops: ['GatherND'],
  lower(ctx) {
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!, ind = ctx.inputs[1]!, y = ctx.outputs[0]!;
    const p = ndPlan(x.dims, ind.dims, attrInt(node, 'batch_dims', 0));
    const elem = DTYPE_BYTES[x.dtype], ie = DTYPE_BYTES[ind.dtype];
    const slab = p.slab * elem;
    if (slab === 0 || p.batches * p.tuples === 0) return [];
    const i = fn.local('i32'), off = fn.local('i32');
    return stridedLoops(fn, [y.addr, ind.addr, x.addr], [
      { count: p.batches, strides: [p.tuples * slab, p.tuples * p.k * ie, p.batchStride * elem] },
      { count: p.tuples, strides: [slab, p.k * ie, 0] },
    ], ([d, q, s]) => {
      const body: Expr[] = [off.set(s!())];
      for (let j = 0; j < p.k; j++) {
        body.push(...loadIndex(fn, ind.dtype, () => fn.add(q!(), j * ie), p.dims[j]!, i), off.set(fn.add(off.get(), fn.mul(i.get(), p.strides[j]! * elem))));
      }
      return [...body, fn.copy(d!(), off.get(), slab)];
    });
  },
});
