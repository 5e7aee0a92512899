// Conv (opset 1 and 11 share a form): the IR Conv with auto_pad resolved and kernel_shape explicit.
import { registerHandler } from '../handler-registry.js';
import { resolveWindow } from './window-attrs.js';

registerHandler('Conv', 1, (ctx) => {
  const { node } = ctx;
  const x = ctx.typeOf(node.inputs[0]!).shape, w = ctx.typeOf(node.inputs[1]!).shape;
  if (x.length < 3) ctx.fail(`input X has rank ${x.length}; expected N, C and at least one spatial axis`);
  const fromW = w.slice(2);
  const attrKernel = node.attrs.kernel_shape;
  const kernel = Array.isArray(attrKernel) ? (attrKernel as number[]) : fromW.map((d) => {
    if (typeof d !== 'number') ctx.fail(`the weights' spatial shape [${fromW}] must be static when kernel_shape is absent`);
    return d as number;
  });
  const group = node.attrs.group ?? 1;
  const inputs = node.inputs.slice(0, 3).filter((v, i) => i < 2 || v);
  ctx.emit('Conv', inputs, { ...resolveWindow(ctx, x.slice(2), kernel), group }, node.outputs.slice(0, 1));
});
