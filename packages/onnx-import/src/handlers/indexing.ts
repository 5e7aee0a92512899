// Index-driven ops: GatherElements, GatherND, ScatterElements (and the deprecated Scatter, which
// is the same op), ScatterND, OneHot, and Compress, which becomes a Gather when its condition is
// a compile-time constant.
import { makeTensor, toNumbers } from '@onnx2wasm/ir';
import { direct, registerHandler } from '../handler-registry.js';
import { int64Vector } from './const-input.js';

const pick = (attrs: Record<string, unknown>, names: string[]) =>
  Object.fromEntries(names.filter((n) => attrs[n] !== undefined && attrs[n] !== null).map((n) => [n, attrs[n]])) as Record<string, number | string>;

registerHandler('GatherElements', 11, direct());
registerHandler('GatherND', 11, direct());
registerHandler('ScatterElements', 11, direct());
registerHandler('ScatterND', 11, direct());
registerHandler('OneHot', 9, direct());
// Scatter-9 (deprecated in 11) has no reduction: it is ScatterElements.
registerHandler('Scatter', 9, (ctx) => {
  ctx.emit('ScatterElements', ctx.node.inputs.slice(0, 3), { reduction: 'none', ...pick(ctx.node.attrs, ['axis']) }, ctx.node.outputs);
});

// Compress(x, condition) {axis?}: a Gather of the kept positions; without an axis x is flattened
// first. A constant condition gives constant indices; a run-time one gives NonZero's indices, whose
// count is a run-time dim (value-dependent shapes, docs/dynamic-shapes.md).
registerHandler('Compress', 9, (ctx) => {
  const { node } = ctx;
  let x = node.inputs[0]!;
  let axis = 0;
  if (typeof node.attrs.axis === 'number') axis = node.attrs.axis;
  else x = ctx.emit('Reshape', [x, ctx.addConstant(int64Vector([-1]), 'flat')])[0]!;
  const cond = ctx.constantOf(node.inputs[1]!);
  if (!cond) {
    const condShape = ctx.typeOf(node.inputs[1]!).shape;
    if (condShape.length !== 1) ctx.fail(`condition must be 1-D, got [${condShape}]`);
    const hits = ctx.emit('NonZero', [node.inputs[1]!])[0]!;
    const idx = ctx.emit('Reshape', [hits, ctx.addConstant(int64Vector([-1]), 'flat')])[0]!;
    ctx.emit('Gather', [x, idx], { axis }, node.outputs);
    return;
  }
  if (cond.dims.length !== 1) ctx.fail(`condition must be 1-D, got [${cond.dims}]`);
  const keep = toNumbers(cond).flatMap((c, i) => (c ? [i] : []));
  const shape = ctx.typeOf(x).shape;
  const dim = shape[axis < 0 ? axis + shape.length : axis];
  if (typeof dim === 'number' && keep.some((i) => i >= dim)) ctx.fail(`condition selects entry ${keep.find((i) => i >= dim)} of an axis of size ${dim}`);
  const idx = ctx.addConstant(makeTensor('int64', [keep.length], keep), 'indices');
  ctx.emit('Gather', [x, idx], { axis }, node.outputs);
});
