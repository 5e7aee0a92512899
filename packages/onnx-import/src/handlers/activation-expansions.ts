// Activations that are compositions of IR elementwise ops:
//   PRelu(x, slope) = max(x, 0) + slope · min(x, 0) (slope broadcasts to x; before opset 7 a
//     per-channel 1-D slope applies along axis 1); the same value as ONNX's
//     Where(x < 0, slope·x, x), built from ops with vector kernels;
//   Swish(x) {alpha} = x · sigmoid(alpha · x);
//   SwiGLU(a, b) {alpha} = Swish(a, alpha) · b.
import { DType, makeTensor } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';

function constant(ctx: HandlerContext, dtype: DType, value: number, hint: string): string {
  return ctx.addConstant(makeTensor(dtype, [], [value]), hint);
}

function swish(ctx: HandlerContext, x: string, alpha: number, out?: string): string {
  const dtype = ctx.typeOf(x).dtype;
  const scaled = alpha === 1 ? x : ctx.emit('Mul', [x, constant(ctx, dtype, alpha, 'alpha')])[0]!;
  const [gate] = ctx.emit('Sigmoid', [scaled]);
  return ctx.emit('Mul', [x, gate!], {}, out ? [out] : 1)[0]!;
}

function alphaAttr(ctx: HandlerContext): number {
  const a = ctx.node.attrs.alpha ?? 1;
  if (typeof a !== 'number') ctx.fail("attribute 'alpha' must be a float");
  return a as number;
}

function prelu(ctx: HandlerContext, channelSlope: boolean): void {
  const { node } = ctx;
  const [x, slopeIn] = node.inputs as [string, string];
  // Before opset 7 a 1-D slope with one value per channel applies along axis 1.
  const xs = ctx.typeOf(x).shape, ss = ctx.typeOf(slopeIn).shape;
  const perChannel = channelSlope && ss.length === 1 && xs.length > 2 && ss[0] !== 1 && ss[0] === xs[1];
  const slope = perChannel ? ctx.emit('Unsqueeze', [slopeIn], { axes: Array.from({ length: xs.length - 2 }, (_, i) => i + 1) })[0]! : slopeIn;
  const zero = constant(ctx, ctx.typeOf(x).dtype, 0, 'zero');
  const [positive] = ctx.emit('Max', [x, zero]);
  const [negative] = ctx.emit('Min', [x, zero]);
  const [sloped] = ctx.emit('Mul', [negative!, slope]);
  ctx.emit('Add', [positive!, sloped!], {}, node.outputs);
}

registerHandler('PRelu', 1, (ctx) => prelu(ctx, true));
registerHandler('PRelu', 7, (ctx) => prelu(ctx, false));

registerHandler('Swish', 24, (ctx) => { swish(ctx, ctx.node.inputs[0]!, alphaAttr(ctx), ctx.node.outputs[0]); });

registerHandler('SwiGLU', 28, (ctx) => {
  const [a, b] = ctx.node.inputs as [string, string];
  const gated = swish(ctx, a, alphaAttr(ctx));
  ctx.emit('Mul', [gated, b], {}, ctx.node.outputs);
});
