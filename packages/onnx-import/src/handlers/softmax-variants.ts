// Softmax, LogSoftmax and Hardmax: opset 13 works along one axis (default -1); opsets 1–12
// flatten the input to 2-D at `axis` (default 1) and work on each row of all trailing dims
// together. That equals the opset-13 form when every dim after `axis` is 1, and otherwise becomes
// Flatten → op(axis=1) → Reshape back.
import { isStatic } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { int64Vector } from './const-input.js';

function flattenedForm(ctx: HandlerContext): void {
  const { node } = ctx;
  const x = node.inputs[0]!;
  const shape = ctx.typeOf(x).shape;
  const rank = shape.length;
  const raw = typeof node.attrs.axis === 'number' ? node.attrs.axis : 1;
  const axis = raw < 0 ? raw + rank : raw;
  if (axis < 0 || axis >= Math.max(rank, 1)) ctx.fail(`axis ${raw} is out of range for rank ${rank}`);
  if (shape.slice(axis + 1).every((d) => d === 1)) {
    ctx.emit(node.opType, [x], { axis }, node.outputs);
    return;
  }
  const [flat] = ctx.emit('Flatten', [x], { axis });
  const [rows] = ctx.emit(node.opType, [flat!], { axis: 1 });
  const target = isStatic(shape) ? ctx.addConstant(int64Vector(shape), 'shape') : ctx.emit('Shape', [x])[0]!;
  ctx.emit('Reshape', [rows!, target], {}, node.outputs);
}

for (const op of ['Softmax', 'LogSoftmax', 'Hardmax']) {
  registerHandler(op, 1, flattenedForm);
  registerHandler(op, 13, (ctx) => { ctx.emit(op, [ctx.node.inputs[0]!], { axis: ctx.node.attrs.axis ?? -1 }, ctx.node.outputs); });
}
