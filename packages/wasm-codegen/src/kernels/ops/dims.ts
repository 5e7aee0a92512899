// Dims: an int64 vector of dims, numbers and polynomials over the model's symbols, written at run
// time from the dims table (the optimizer's replacement for Shape → Gather → Concat chains on
// symbolic shapes). With no symbols in the model every dim is a number and the vector is a constant.
import { dimsAttr } from '@onnx2wasm/ir';
import { LowerContext, registerLowering, staticViewIfAny, unsupported } from '../../lowering.js';
import { Expr } from '../../wasm-builder.js';

registerLowering({
  ops: ['Dims'],
  runTimeDims: true,
  alwaysRunTime: true,
  lower(context) {
    const ctx = staticViewIfAny(context);
    if (!ctx) return lowerDimsRunTime(context);
    const { fn, node } = ctx;
    const y = ctx.outputs[0]!;
    return dimsAttr(node).map((d, k) => {
      if (typeof d !== 'number') unsupported(ctx, `dim '${d}' in a model without run-time dims`);
      return fn.storeI64(y.addr, fn.constOf('i64', BigInt(d)), 8 * k);
    });
  },
});

function lowerDimsRunTime(ctx: LowerContext): Expr[] {
  const { fn, node } = ctx;
  const y = ctx.outputs[0]!;
  return dimsAttr(node).map((d, k) => fn.storeI64(y.addr(), fn.i32ToI64(fn.i(ctx.dim(d))), 8 * k));
}
