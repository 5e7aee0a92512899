// ReverseSequence: for each batch entry, time step t < len reads step len - 1 - t and the rest
// read themselves; every (t, b) pair moves one slab (the dims after the first two) with
// memory.copy. sequence_lens is read at run time; a length outside [0, T] traps.
import { DTYPE_BYTES, sequenceAxes, sizeOf } from '@onnx2wasm/ir';
import { registerLowering, staticView } from '../../lowering.js';
import { I32 } from '../../wasm-builder.js';

registerLowering({
  ops: ['ReverseSequence'],
  lower(context) {
    const ctx = staticView(context);
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!, lens = ctx.inputs[1]!, y = ctx.outputs[0]!;
    const { time } = sequenceAxes(node);
    const T = x.dims[time]!, B = x.dims[1 - time]!;
    const slab = sizeOf(x.dims.slice(2)) * DTYPE_BYTES[x.dtype];
    if (T === 0 || B === 0 || slab === 0) return [];
    const b = fn.local('i32'), t = fn.local('i32'), len = fn.local('i32'), from = fn.local('i32');
    // byte offset of (step, batch): the leading axis strides by the other one's size
    const at = (step: I32) => (time === 0 ? fn.mul(fn.add(fn.mul(step, B), b.get()), slab) : fn.mul(fn.add(fn.mul(b.get(), T), step), slab));
    return [fn.for(b, 0, B, 1, [
      len.set(fn.loadI32(fn.shl(b.get(), 3), lens.addr)),
      fn.if(fn.or(fn.ne(fn.loadI32(fn.shl(b.get(), 3), lens.addr + 4), 0), fn.or(fn.ltS(len.get(), 0), fn.gtS(len.get(), T))), [fn.failCheck()]),
      fn.for(t, 0, T, 1, [
        from.set(fn.selectI(fn.ltS(t.get(), len.get()), fn.sub(fn.sub(len.get(), 1), t.get()), t.get())),
        fn.copy(fn.add(y.addr, at(t.get())), fn.add(x.addr, at(from.get())), slab),
      ]),
    ])];
  },
});
