// BitCast keeps the bytes and only renames their dtype: one memory.copy.
import { registerLowering, byteSize } from '../lowering.js';

registerLowering({
  ops: ['BitCast'],
  lower(ctx) {
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    const bytes = byteSize(y);
    return bytes === 0 ? [] : [ctx.fn.copy(y.addr, x.addr, bytes)];
  },
});
