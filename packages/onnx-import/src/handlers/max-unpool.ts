// MaxUnpool(X, I, output_shape?) {kernel_shape, pads, strides}: a zero tensor with every X value
// written at its flat index I (MaxPool's Indices, offsets into the whole output tensor). Expanded
// into a ScatterElements over the flattened output, whose spatial sizes are the inverse of
// MaxPool's: (in - 1) * stride - pad_begin - pad_end + kernel. A larger output_shape (which must
// be known at compile time) zero-pads that result at the end of each axis, as the ONNX reference does.
import { makeTensor } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { constInts, int64Vector, intsAttr } from './const-input.js';

registerHandler('MaxUnpool', 9, (ctx: HandlerContext) => {
  const { node } = ctx;
  const x = ctx.typeOf(node.inputs[0]!);
  const dims = x.shape;
  if (dims.some((d) => typeof d !== 'number')) ctx.fail(`input X [${dims}] must have a static shape`);
  const rank = dims.length - 2;
  const kernel = intsAttr(ctx, 'kernel_shape');
  if (!kernel || kernel.length !== rank) ctx.fail(`kernel_shape must have ${rank} values`);
  const strides = intsAttr(ctx, 'strides') ?? new Array<number>(rank).fill(1);
  const pads = intsAttr(ctx, 'pads') ?? new Array<number>(2 * rank).fill(0);
  const inSp = dims.slice(2) as number[];
  const inferred = [dims[0] as number, dims[1] as number, ...inSp.map((d, a) => (d - 1) * strides[a]! - pads[a]! - pads[a + rank]! + kernel[a]!)];
  const out = constInts(ctx, 2, 'output_shape');
  if (out && (out.length !== dims.length || out.some((d, a) => d < inferred[a]!))) ctx.fail(`output_shape [${out}] must have rank ${dims.length} and be at least the unpooled shape [${inferred}]`);
  const total = inferred.reduce((a, b) => a * b, 1);
  const flat = ctx.addConstant(int64Vector([-1]), 'unpool_flat');
  const [zeros] = ctx.emit('ConstantOfShape', [ctx.addConstant(int64Vector([total]), 'unpool_size')], { value: makeTensor(x.dtype, [1], [0]) });
  const [values] = ctx.emit('Reshape', [node.inputs[0]!, flat]);
  const [at] = ctx.emit('Reshape', [node.inputs[1]!, flat]);
  const [y] = ctx.emit('ScatterElements', [zeros!, at!, values!], { axis: 0, reduction: 'none' });
  if (!out) {
    ctx.emit('Reshape', [y!, ctx.addConstant(int64Vector(inferred), 'unpool_shape')], {}, node.outputs);
    return;
  }
  // A larger output_shape keeps the unpooled block at the start of each axis, zeros after it.
  const [block] = ctx.emit('Reshape', [y!, ctx.addConstant(int64Vector(inferred), 'unpool_shape')]);
  const padEnd = out.map((d, a) => d - inferred[a]!);
  ctx.emit('Pad', [block!, ctx.addConstant(int64Vector([...out.map(() => 0), ...padEnd]), 'unpool_pads')], { mode: 'constant' }, node.outputs);
});
