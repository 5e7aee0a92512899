// ArgMax/ArgMin (every opset: axis, keepdims, and select_last_index from 12 are attributes the IR
// op reads as they are) and CumSum (11)/CumProd (26), whose axis input must be a constant scalar
// and becomes the IR attribute.
import { direct, registerHandler } from '../handler-registry.js';
import { constInts } from './const-input.js';

registerHandler('ArgMax', 1, direct());
registerHandler('ArgMin', 1, direct());

for (const [op, since] of [['CumSum', 11], ['CumProd', 26]] as const) {
  registerHandler(op, since, (ctx) => {
    const axis = constInts(ctx, 1, 'axis');
    if (!axis || axis.length !== 1) return ctx.fail('axis must be a scalar (or 1-element) integer tensor');
    const { exclusive = 0, reverse = 0 } = ctx.node.attrs;
    ctx.emit(op, [ctx.node.inputs[0]!], { axis: axis[0]!, exclusive, reverse }, ctx.node.outputs);
  });
}
