// Softmax: opset 13 normalizes along one axis (default -1). Opsets 1–12 flatten the input to 2-D
// at `axis` (default 1) and normalize each row over all trailing dims together; that is the same
// as the opset-13 form when the axis is the last non-trivial one, and otherwise becomes
// Flatten → Softmax(axis=1) → Reshape back.
import { isStatic } from '@onnx2wasm/ir';
import { registerHandler } from '../handler-registry.js';
import { int64Vector } from './const-input.js';

registerHandler('Softmax', 1, (ctx) => {
  const { node } = ctx;
  const x = node.inputs[0]!;
  const shape = ctx.typeOf(x).shape;
  const rank = shape.length;
  const raw = typeof node.attrs.axis === 'number' ? node.attrs.axis : 1;
  const axis = raw < 0 ? raw + rank : raw;
  if (axis < 0 || axis >= Math.max(rank, 1)) ctx.fail(`axis ${raw} is out of range for rank ${rank}`);
  if (shape.slice(axis + 1).every((d) => d === 1)) {
    ctx.emit('Softmax', [x], { axis }, node.outputs);
    return;
  }
  const [flat] = ctx.emit('Flatten', [x], { axis });
  const [rows] = ctx.emit('Softmax', [flat!], { axis: 1 });
  const target = isStatic(shape) ? ctx.addConstant(int64Vector(shape), 'shape') : ctx.emit('Shape', [x])[0]!;
  ctx.emit('Reshape', [rows!, target], {}, node.outputs);
});
registerHandler('Softmax', 13, (ctx) => {
  ctx.emit('Softmax', [ctx.node.inputs[0]!], { axis: ctx.node.attrs.axis ?? -1 }, ctx.node.outputs);
});
