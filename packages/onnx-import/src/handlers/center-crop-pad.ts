// CenterCropPad(input, shape) {axes}: each listed axis is cropped or zero-padded to the target
// length around its centre; when the difference is odd the extra element goes to the end (as the
// ONNX reference does). Pad with negative pads crops, so the whole op is one Pad with a constant
// pads vector. A target shape known only at run time computes that vector in the graph (the
// output dims are then computed by the Pad kernel at run time).
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { int64Vector, intsAttr, requireConstInts } from './const-input.js';

registerHandler('CenterCropPad', 18, (ctx: HandlerContext) => {
  const { node } = ctx;
  const dims = ctx.typeOf(node.inputs[0]!).shape;
  const s = node.inputs[1];
  const st = s && !ctx.constantOf(s) ? ctx.typeOf(s) : undefined;
  if (st && st.dtype === 'int64' && st.shape.length === 1 && typeof st.shape[0] === 'number') return runTimeTarget(ctx, s!, st.shape[0]);
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

/** pads = [trunc(diff / 2), diff - trunc(diff / 2)] with diff = shape - the input's dims, as graph nodes. */
function runTimeTarget(ctx: HandlerContext, s: string, count: number): void {
  const { node } = ctx;
  const dims = ctx.typeOf(node.inputs[0]!).shape;
  const axes = (intsAttr(ctx, 'axes') ?? dims.map((_, a) => a)).map((a) => (a < 0 ? a + dims.length : a));
  if (axes.length !== count) ctx.fail(`shape has ${count} values for ${axes.length} axes`);
  if (axes.some((a) => a < 0 || a >= dims.length) || new Set(axes).size !== axes.length) ctx.fail(`axes [${axes}] must be distinct axes of a rank-${dims.length} input`);
  const lengths = axes.map((a) => {
    const d = dims[a];
    if (typeof d !== 'number') ctx.fail(`axis ${a} of the input is symbolic ('${d}'); CenterCropPad needs its length`);
    return d;
  });
  const [diff] = ctx.emit('Sub', [s, ctx.addConstant(int64Vector(lengths), 'crop_lengths')]);
  const [begin] = ctx.emit('Div', [diff!, ctx.addConstant(int64Vector([2]), 'crop_two')]);
  const [end] = ctx.emit('Sub', [diff!, begin!]);
  const [pads] = ctx.emit('Concat', [begin!, end!], { axis: 0 });
  ctx.emit('Pad', [node.inputs[0]!, pads!, '', ctx.addConstant(int64Vector(axes), 'crop_axes')], { mode: 'constant' }, node.outputs);
}
