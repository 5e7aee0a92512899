// Size: the element count is static; the kernel stores it (fold-constants usually removes the node).
import { sizeOf } from '@onnx2wasm/ir';
import { registerLowering, staticView } from '../../lowering.js';

registerLowering({
  ops: ['Size'],
  lower(context) {
    const ctx = staticView(context);
    return [ctx.fn.storeI64(ctx.outputs[0]!.addr, ctx.fn.constOf('i64', sizeOf(ctx.inputs[0]!.dims)))];
  },
});
