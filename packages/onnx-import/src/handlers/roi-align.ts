// RoiAlign: opset 10 always used output_half_pixel (no pixel shift); opset 16 added
// coordinate_transformation_mode with half_pixel as the default. The IR takes a half_pixel flag.
import { HandlerContext, registerHandler } from '../handler-registry.js';

function emitRoiAlign(ctx: HandlerContext, defaultMode: string): void {
  const { node } = ctx;
  const mode = String(node.attrs.coordinate_transformation_mode ?? defaultMode);
  if (mode !== 'half_pixel' && mode !== 'output_half_pixel') ctx.fail(`coordinate_transformation_mode '${mode}' is not half_pixel or output_half_pixel`);
  const { coordinate_transformation_mode: _, ...attrs } = node.attrs;
  ctx.emit('RoiAlign', node.inputs.slice(0, 3), { ...attrs, half_pixel: mode === 'half_pixel' ? 1 : 0 }, node.outputs);
}

registerHandler('RoiAlign', 10, (ctx) => emitRoiAlign(ctx, 'output_half_pixel'));
registerHandler('RoiAlign', 16, (ctx) => emitRoiAlign(ctx, 'half_pixel'));
