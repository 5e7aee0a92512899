// GridSample (opsets 16, 20, 22): the IR op of the same name. Opset 16 names the modes bilinear
// and bicubic and takes 4-D inputs only; from 20 they are linear and cubic, any rank.
import { registerHandler } from '../handler-registry.js';

registerHandler('GridSample', 16, (ctx) => {
  const { node } = ctx;
  const mode = (node.attrs.mode as string | undefined) ?? (ctx.opset >= 20 ? 'linear' : 'bilinear');
  const attrs = { mode, padding_mode: node.attrs.padding_mode ?? 'zeros', align_corners: node.attrs.align_corners ?? 0 };
  ctx.emit('GridSample', node.inputs.slice(0, 2), attrs, node.outputs);
});
