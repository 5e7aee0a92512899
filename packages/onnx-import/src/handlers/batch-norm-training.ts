// Training-mode BatchNormalization (opset 14+ training_mode=1): normalize with the batch's own
// statistics over every axis but the channel one, and update the running statistics:
//   y = (x - mean) / sqrt(var + epsilon) * scale + B    (var is the population variance)
//   running_mean = input_mean * momentum + mean * (1 - momentum), and likewise running_var.
// Expanded into ReduceMean and elementwise ops; nothing here needs a kernel of its own.
import { makeTensor } from '@onnx2wasm/ir';
import { HandlerContext } from '../handler-registry.js';
import { int64Vector } from './const-input.js';

export function emitTrainingBatchNorm(ctx: HandlerContext): void {
  const { node } = ctx;
  const [x, scale, bias, inputMean, inputVar] = node.inputs as string[];
  const [yName, meanOut, varOut] = node.outputs;
  const type = ctx.typeOf(x!);
  const rank = type.shape.length;
  if (rank < 2) ctx.fail(`input X [${type.shape}] must have a channel axis`);
  const scalar = (v: number, hint: string) => ctx.addConstant(makeTensor(type.dtype, [], [v]), hint);
  const epsilon = Number(node.attrs.epsilon ?? 1e-5), momentum = Number(node.attrs.momentum ?? 0.9);
  const axes = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];
  const perChannel = ctx.addConstant(int64Vector([1, -1, ...new Array<number>(rank - 2).fill(1)]), 'bn_channel_shape');
  const channels = ctx.addConstant(int64Vector([-1]), 'bn_flat');

  const [mean] = ctx.emit('ReduceMean', [x!], { axes, keepdims: 1, noop_with_empty_axes: 0 });
  const [centered] = ctx.emit('Sub', [x!, mean!]);
  const [squares] = ctx.emit('Mul', [centered!, centered!]);
  const [variance] = ctx.emit('ReduceMean', [squares!], { axes, keepdims: 1, noop_with_empty_axes: 0 });
  const [std] = ctx.emit('Sqrt', ctx.emit('Add', [variance!, scalar(epsilon, 'bn_epsilon')]));
  const [normalized] = ctx.emit('Div', [centered!, std!]);
  const [scaled] = ctx.emit('Mul', [normalized!, ctx.emit('Reshape', [scale!, perChannel])[0]!]);
  ctx.emit('Add', [scaled!, ctx.emit('Reshape', [bias!, perChannel])[0]!], {}, [yName!]);

  const update = (running: string, batch: string, out: string | undefined) => {
    if (!out) return;
    const [old] = ctx.emit('Mul', [running, scalar(momentum, 'bn_momentum')]);
    const [fresh] = ctx.emit('Mul', [ctx.emit('Reshape', [batch, channels])[0]!, scalar(1 - momentum, 'bn_one_minus_momentum')]);
    ctx.emit('Add', [old!, fresh!], {}, [out]);
  };
  update(inputMean!, mean!, meanOut);
  update(inputVar!, variance!, varOut);
}
