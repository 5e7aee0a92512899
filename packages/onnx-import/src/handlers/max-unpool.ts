// MaxUnpool(X, I, output_shape?) {kernel_shape, pads, strides}: a zero tensor with every X value
// written at its flat index I (MaxPool's Indices: offsets into the whole tensor MaxPool read, which
// is the tensor MaxUnpool rebuilds). Expanded into a ScatterElements over the flattened output.
// Without output_shape the output's spatial sizes are the inverse of MaxPool's:
// (in - 1) * stride - pad_begin - pad_end + kernel. With output_shape (a constant, or fed at run
// time) the output has that shape and I indexes it, as onnxruntime and PyTorch's max_unpool do;
// an index outside it fails the run's check. (The ONNX reference instead scatters into the
// inferred shape and zero-pads it, which its backend case test_maxunpool_export_with_output_shape
// expects; onnxruntime does not, and we follow onnxruntime.)
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
  const shapeName = node.inputs[2] || undefined;
  const known = shapeName && ctx.constantOf(shapeName) ? constInts(ctx, 2, 'output_shape') : undefined;
  if (known && (known.length !== dims.length || known.some((d) => d < 0))) ctx.fail(`output_shape [${known}] must list ${dims.length} dims`);
  if (shapeName && !known) {
    const t = ctx.typeOf(shapeName);
    if (t.dtype !== 'int64' || t.shape.length !== 1 || t.shape[0] !== dims.length) ctx.fail(`output_shape must be int64[${dims.length}], got ${t.dtype}[${t.shape}]`);
  }
  const outDims = known ?? inferred;
  const flat = ctx.addConstant(int64Vector([-1]), 'unpool_flat');
  // The flat output: a constant length, or the product of the fed shape (sized at run time).
  const size = shapeName && !known
    ? ctx.emit('ReduceProd', [shapeName], { axes: [0], keepdims: 1, noop_with_empty_axes: 0 })[0]!
    : ctx.addConstant(int64Vector([outDims.reduce((a, b) => a * b, 1)]), 'unpool_size');
  const [zeros] = ctx.emit('ConstantOfShape', [size], { value: makeTensor(x.dtype, [1], [0]) });
  const [values] = ctx.emit('Reshape', [node.inputs[0]!, flat]);
  const [at] = ctx.emit('Reshape', [node.inputs[1]!, flat]);
  const [y] = ctx.emit('ScatterElements', [zeros!, at!, values!], { axis: 0, reduction: 'none' });
  const shape = shapeName && !known ? shapeName : ctx.addConstant(int64Vector(outDims), 'unpool_shape');
  ctx.emit('Reshape', [y!, shape], { allowzero: 0 }, node.outputs);
});
