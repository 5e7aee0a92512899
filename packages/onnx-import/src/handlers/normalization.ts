// The normalization family beyond LayerNormalization and BatchNormalization. RMSNormalization is
// its own IR op; the others expand into LayerNormalization (rows normalized with a unit scale),
// reductions and elementwise ops:
//   InstanceNormalization: LayerNormalization over the spatial dims, then per-channel scale/bias;
//   GroupNormalization: [N, C, …] → [N, G, rest], LayerNormalization over rest, back, scale/bias
//     (per group in opset 18, per channel from 21);
//   LpNormalization: x / ReduceL1|ReduceL2(x) along the axis;
//   MeanVarianceNormalization: (x - E[x]) / (sqrt(E[x²] - E[x]²) + 1e-9), as its ONNX function;
//   LRN: the channel-window sum of squares is an AveragePool (count_include_pad) over x² viewed
//     as [N, 1, C, rest], times the window size folded into alpha.
import { Dim, isStatic, makeTensor } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { int64Vector } from './const-input.js';

function scalar(ctx: HandlerContext, value: number, hint: string): string {
  return ctx.addConstant(makeTensor('float32', [], [value]), hint);
}

/** A shape value for Reshape: a constant when static, else Shape(x). */
function shapeOf(ctx: HandlerContext, x: string, shape: Dim[]): string {
  return isStatic(shape) ? ctx.addConstant(int64Vector(shape), 'shape') : ctx.emit('Shape', [x])[0]!;
}

/** Normalizes the rows of `x` over its dims from `axis` on to zero mean and unit variance. */
function standardize(ctx: HandlerContext, x: string, axis: number, epsilon: number): string {
  const ones = ctx.addConstant(makeTensor('float32', [1], [1]), 'ones');
  return ctx.emit('LayerNormalization', [x, ones], { axis, epsilon })[0]!;
}

/** y = x * scale + bias with scale/bias [K] applied along axis 1 of a rank-`rank` tensor. */
function affineOnAxis1(ctx: HandlerContext, x: string, scale: string, bias: string, rank: number, out: string): void {
  const axes = Array.from({ length: rank - 2 }, (_, i) => i + 1);
  const expand = (t: string) => (axes.length ? ctx.emit('Unsqueeze', [t], { axes })[0]! : t);
  const [scaled] = ctx.emit('Mul', [x, expand(scale)]);
  ctx.emit('Add', [scaled!, expand(bias)], {}, [out]);
}

function float32Only(ctx: HandlerContext, x: string): void {
  const dtype = ctx.typeOf(x).dtype;
  if (dtype !== 'float32') ctx.fail(`dtype ${dtype} is not supported (float32 only)`);
}

registerHandler('RMSNormalization', 23, (ctx) => {
  const { node } = ctx;
  if ((node.attrs.stash_type ?? 1) !== 1) ctx.fail(`stash_type ${String(node.attrs.stash_type)} is not supported (only 1, float32)`);
  ctx.emit('RMSNormalization', node.inputs.slice(0, 2), { axis: node.attrs.axis ?? -1, epsilon: node.attrs.epsilon ?? 1e-5 }, node.outputs);
});

registerHandler('InstanceNormalization', 1, (ctx) => {
  const { node } = ctx;
  const [x, scale, bias] = node.inputs as [string, string, string];
  float32Only(ctx, x);
  const rank = ctx.typeOf(x).shape.length;
  if (rank < 3) ctx.fail(`input has rank ${rank}; expected N, C and at least one spatial axis`);
  const normalized = standardize(ctx, x, 2, (node.attrs.epsilon as number | undefined) ?? 1e-5);
  affineOnAxis1(ctx, normalized, scale, bias, rank, node.outputs[0]!);
});

function groupNormalization(perChannel: boolean) {
  return (ctx: HandlerContext) => {
    const { node } = ctx;
    const [x, scale, bias] = node.inputs as [string, string, string];
    float32Only(ctx, x);
    if ((node.attrs.stash_type ?? 1) !== 1) ctx.fail(`stash_type ${String(node.attrs.stash_type)} is not supported (only 1, float32)`);
    const groups = node.attrs.num_groups;
    if (typeof groups !== 'number' || groups < 1) return ctx.fail("attribute 'num_groups' is required");
    const shape = ctx.typeOf(x).shape;
    if (shape.length < 2) ctx.fail(`input has rank ${shape.length}; expected N, C, …`);
    const C = shape[1]!;
    if (typeof C === 'number' && C % groups !== 0) ctx.fail(`${C} channels do not split into ${groups} groups`);
    const [grouped] = ctx.emit('Reshape', [x, ctx.addConstant(int64Vector([0, groups, -1]), 'groups')]);
    let y = standardize(ctx, grouped!, 2, (node.attrs.epsilon as number | undefined) ?? 1e-5);
    if (!perChannel) {
      const [scaled] = ctx.emit('Mul', [y, ctx.emit('Unsqueeze', [scale], { axes: [1] })[0]!]);
      y = ctx.emit('Add', [scaled!, ctx.emit('Unsqueeze', [bias], { axes: [1] })[0]!])[0]!;
      ctx.emit('Reshape', [y, shapeOf(ctx, x, shape)], {}, node.outputs);
      return;
    }
    const [restored] = ctx.emit('Reshape', [y, shapeOf(ctx, x, shape)]);
    affineOnAxis1(ctx, restored!, scale, bias, shape.length, node.outputs[0]!);
  };
}
registerHandler('GroupNormalization', 18, groupNormalization(false));
registerHandler('GroupNormalization', 21, groupNormalization(true));

registerHandler('LpNormalization', 1, (ctx) => {
  const { node } = ctx;
  const x = node.inputs[0]!;
  const p = node.attrs.p ?? 2;
  if (p !== 1 && p !== 2) ctx.fail(`p ${String(p)} is not supported (1 or 2)`);
  const rank = ctx.typeOf(x).shape.length;
  const raw = (node.attrs.axis as number | undefined) ?? -1;
  const axis = raw < 0 ? raw + rank : raw;
  if (axis < 0 || axis >= rank) ctx.fail(`axis ${raw} is out of range for rank ${rank}`);
  const [norm] = ctx.emit(p === 1 ? 'ReduceL1' : 'ReduceL2', [x], { axes: [axis], keepdims: 1 });
  // An all-zero row has norm 0: divide by 1 there so it stays 0 (as the ONNX reference does), not NaN.
  const dtype = ctx.typeOf(x).dtype;
  const zero = ctx.addConstant(makeTensor(dtype, [], [0]), 'zero'), one = ctx.addConstant(makeTensor(dtype, [], [1]), 'one');
  const [isZero] = ctx.emit('Equal', [norm!, zero]);
  const [safe] = ctx.emit('Where', [isZero!, one, norm!]);
  ctx.emit('Div', [x, safe!], {}, node.outputs);
});

registerHandler('MeanVarianceNormalization', 9, (ctx) => {
  const { node } = ctx;
  const x = node.inputs[0]!;
  const axes = (node.attrs.axes as number[] | undefined) ?? [0, 2, 3];
  const [mean] = ctx.emit('ReduceMean', [x], { axes, keepdims: 1, noop_with_empty_axes: 0 });
  const [sq] = ctx.emit('Mul', [x, x]);
  const [meanSq] = ctx.emit('ReduceMean', [sq!], { axes, keepdims: 1, noop_with_empty_axes: 0 });
  const [sqMean] = ctx.emit('Mul', [mean!, mean!]);
  const [variance] = ctx.emit('Sub', [meanSq!, sqMean!]);
  const [std] = ctx.emit('Sqrt', [variance!]);
  const [denominator] = ctx.emit('Add', [std!, scalar(ctx, 1e-9, 'epsilon')]);
  const [centered] = ctx.emit('Sub', [x, mean!]);
  ctx.emit('Div', [centered!, denominator!], {}, node.outputs);
});

registerHandler('LRN', 1, (ctx) => {
  const { node } = ctx;
  const x = node.inputs[0]!;
  float32Only(ctx, x);
  const size = node.attrs.size;
  if (typeof size !== 'number' || size < 1) return ctx.fail("attribute 'size' is required");
  const alpha = (node.attrs.alpha as number | undefined) ?? 1e-4, beta = (node.attrs.beta as number | undefined) ?? 0.75, bias = (node.attrs.bias as number | undefined) ?? 1;
  const shape = ctx.typeOf(x).shape;
  const C = shape[1];
  if (shape.length < 3 || typeof C !== 'number') return ctx.fail(`input of shape [${shape}] needs rank >= 3 and a static channel count`);
  const [sq] = ctx.emit('Mul', [x, x]);
  const [planes] = ctx.emit('Reshape', [sq!, ctx.addConstant(int64Vector([0, 1, C, -1]), 'planes')]);
  const before = Math.floor((size - 1) / 2), after = size - 1 - before;
  const [mean] = ctx.emit('AveragePool', [planes!], {
    kernel_shape: [size, 1], strides: [1, 1], dilations: [1, 1], pads: [before, 0, after, 0], ceil_mode: 0, count_include_pad: 1,
  });
  const [windowMean] = ctx.emit('Reshape', [mean!, shapeOf(ctx, x, shape)]);
  // alpha / size * sum = alpha * mean
  const [scaled] = ctx.emit('Mul', [windowMean!, scalar(ctx, alpha, 'alpha')]);
  const [shifted] = ctx.emit('Add', [scaled!, scalar(ctx, bias, 'bias')]);
  const [denominator] = ctx.emit('Pow', [shifted!, scalar(ctx, beta, 'beta')]);
  ctx.emit('Div', [x, denominator!], {}, node.outputs);
});
