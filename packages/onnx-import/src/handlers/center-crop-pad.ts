// CenterCropPad(input, shape) {axes}: each listed axis is cropped or zero-padded to the target
// length around its centre; when the difference is odd the extra element goes to the end (as the
// ONNX reference does). Pad with negative pads crops, so the whole op is one Pad with a constant
// pads vector. The target shape must be known at compile time (the output shape depends on it).
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { int64Vector, intsAttr, requireConstInts } from './const-input.js';

registerHandler('CenterCropPad', 18, (ctx: HandlerContext) => {
  const { node } = ctx;
  const dims = ctx.typeOf(node.inputs[0]!).shape;
  const target = requireConstInts(ctx, 1, 'shape');
  const axes = (intsAttr(ctx, 'axes') ?? dims.map((_, a) => a)).map((a) => (a < 0 ? a + dims.length : a));
  if (axes.length !== target.length) ctx.fail(`shape has ${target.length} values for ${axes.length} axes`);
  if (axes.some((a) => a < 0 || a >= dims.length) || new Set(axes).size !== axes.length) ctx.fail(`axes [${axes}] must be distinct axes of a rank-${dims.length} input`);
  const begin: number[] = [], end: number[] = [];
  axes.forEach((a, i) => {
    const d = dims[a];
    if (typeof d !== 'number') ctx.fail(`axis ${a} of the input is symbolic ('${d}'); CenterCropPad needs its length`);
    const diff = target[i]! - d;
    // Half of the difference (rounded towards zero) before the data, the rest after it.
    const b = Math.sign(diff) * Math.floor(Math.abs(diff) / 2);
    begin.push(b);
    end.push(diff - b);
  });
  ctx.emit('Pad', [node.inputs[0]!, ctx.addConstant(int64Vector([...begin, ...end]), 'crop_pads'), '', ctx.addConstant(int64Vector(axes), 'crop_axes')], { mode: 'constant' }, node.outputs);
});
