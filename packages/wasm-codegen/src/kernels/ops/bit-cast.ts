// BitCast keeps the bytes and only renames their dtype: one memory.copy.
import { byteSize, registerLowering, staticView } from '../../lowering.js';

registerLowering({
  ops: ['BitCast'],
  lower(context) {
    const ctx = staticView(context);
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    const bytes = byteSize(y);
    return bytes === 0 ? [] : [ctx.fn.copy(y.addr, x.addr, bytes)];
  },
});
