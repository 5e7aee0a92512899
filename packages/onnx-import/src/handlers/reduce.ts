// The Reduce family (everything but ReduceMean, which has its own handler): axes is an attribute
// until ReduceSum-13 / the others' opset 18, then an optional constant input together with
// noop_with_empty_axes. Both forms become the IR op's `axes` attribute (empty = all axes, or none
// when noop_with_empty_axes is set).
import { REDUCE_KINDS } from '@onnx2wasm/ir';
import { registerHandler } from '../handler-registry.js';
import { constInts, intsAttr } from './const-input.js';

const AXES_INPUT_SINCE: Record<string, number> = { ReduceSum: 13 };

for (const op of Object.keys(REDUCE_KINDS)) {
  registerHandler(op, 1, (ctx) => {
    const axes = intsAttr(ctx, 'axes') ?? [];
    ctx.emit(op, [ctx.node.inputs[0]!], { axes, keepdims: ctx.node.attrs.keepdims ?? 1, noop_with_empty_axes: 0 }, ctx.node.outputs);
  });
  registerHandler(op, AXES_INPUT_SINCE[op] ?? 18, (ctx) => {
    const axes = constInts(ctx, 1, 'axes') ?? [];
    const { keepdims = 1, noop_with_empty_axes = 0 } = ctx.node.attrs;
    ctx.emit(op, [ctx.node.inputs[0]!], { axes, keepdims, noop_with_empty_axes }, ctx.node.outputs);
  });
}
