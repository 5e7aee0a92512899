// Reshape, Flatten, Squeeze and Unsqueeze keep the bytes in order: the kernel is one memory.copy
// (any dtype). The optimizer removes those whose output type equals the input type.
import { byteSize, registerLowering, staticView } from '../lowering.js';

registerLowering({
  ops: ['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze'],
  lower(context) {
    const ctx = staticView(context);
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    const bytes = byteSize(y);
    return bytes === 0 ? [] : [ctx.fn.copy(y.addr, x.addr, bytes)];
  },
});
