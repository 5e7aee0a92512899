// ReduceMean: axes attribute until opset 18, an (optional, constant) input from 18 together with
// noop_with_empty_axes. The IR op takes axes as an attribute; an empty list means all axes.
import { registerHandler } from '../handler-registry.js';
import { constInts, intsAttr } from './const-input.js';

registerHandler('ReduceMean', 1, (ctx) => {
  const axes = intsAttr(ctx, 'axes') ?? [];
  ctx.emit('ReduceMean', [ctx.node.inputs[0]!], { axes, keepdims: ctx.node.attrs.keepdims ?? 1, noop_with_empty_axes: 0 }, ctx.node.outputs);
});
registerHandler('ReduceMean', 18, (ctx) => {
  const axes = constInts(ctx, 1, 'axes') ?? [];
  const keepdims = ctx.node.attrs.keepdims ?? 1;
  if (axes.length === 0 && ctx.node.attrs.noop_with_empty_axes) {
    ctx.emit('Identity', [ctx.node.inputs[0]!], {}, ctx.node.outputs);
    return;
  }
  ctx.emit('ReduceMean', [ctx.node.inputs[0]!], { axes, keepdims, noop_with_empty_axes: 0 }, ctx.node.outputs);
});
