// TensorScatter(past_cache, update, write_indices?) {axis = -2, mode}: the KV-cache write. For each
// batch b, update's `S` steps along `axis` are written into the cache from position
// write_indices[b] (0 when omitted) on; in circular mode positions wrap at the cache length.
// Expanded into ScatterElements along `axis` with an index tensor built from write_indices
// (broadcast over the batch) plus the step number (broadcast over the axis).
import { makeTensor } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { int64Vector } from './const-input.js';

registerHandler('TensorScatter', 24, (ctx: HandlerContext) => {
  const { node } = ctx;
  const [pastName, updateName, writeName] = node.inputs;
  const past = ctx.typeOf(pastName!).shape, update = ctx.typeOf(updateName!).shape;
  const rank = past.length;
  const rawAxis = typeof node.attrs.axis === 'number' ? node.attrs.axis : -2;
  const axis = rawAxis < 0 ? rawAxis + rank : rawAxis;
  const mode = node.attrs.mode ?? 'linear';
  if (mode !== 'linear' && mode !== 'circular') ctx.fail(`mode '${String(mode)}' is not linear or circular`);
  if (axis < 1 || axis >= rank) ctx.fail(`axis ${rawAxis} must be a non-batch axis of the rank-${rank} cache`);
  if (update.length !== rank || update.some((d) => typeof d !== 'number')) ctx.fail(`update [${update}] must have a static shape of rank ${rank}`);
  const steps = update[axis] as number, cacheLen = past[axis];
  if (typeof cacheLen !== 'number') ctx.fail(`the cache length (axis ${axis} of [${past}]) must be static`);
  if (steps > cacheLen) ctx.fail(`update has ${steps} steps along axis ${axis}; the cache holds ${cacheLen}`);

  // step[.., s, ..] = s, shaped [1, …, S, …, 1]; start[b, 1, …] = write_indices[b].
  const stepShape = update.map((d, a) => (a === axis ? steps : 1));
  const step = ctx.addConstant(makeTensor('int64', stepShape, Array.from({ length: steps }, (_, s) => s)), 'scatter_steps');
  let idx = step;
  if (writeName) {
    const [start] = ctx.emit('Reshape', [writeName, ctx.addConstant(int64Vector([-1, ...new Array<number>(rank - 1).fill(1)]), 'scatter_start_shape')]);
    [idx] = ctx.emit('Add', [start!, step]) as [string];
  }
  if (mode === 'circular') [idx] = ctx.emit('Mod', [idx, ctx.addConstant(makeTensor('int64', [], [cacheLen]), 'scatter_len')], { fmod: 0 }) as [string];
  const [full] = ctx.emit('Expand', [idx, ctx.addConstant(int64Vector(update as number[]), 'scatter_update_shape')]);
  ctx.emit('ScatterElements', [pastName!, full!, updateName!], { axis, reduction: 'none' }, node.outputs);
});
