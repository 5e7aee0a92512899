// Movement ops: each ONNX form (attributes before an opset, inputs after) becomes one IR form.
// Shape-like inputs the IR needs as attributes (Squeeze/Unsqueeze axes) must be constants;
// Reshape's shape and Slice's starts/ends stay inputs because exporters compute them from Shape
// and constant folding resolves them after import.
import { AttrValue, Dim, Tensor, dimDiv, dimMul, dimProduct, toNumbers } from '@onnx2wasm/ir';
import { registerHandler } from '../handler-registry.js';
import { constInts, int64Vector, intsAttr } from './const-input.js';

// Reshape-1 carries the target shape as an attribute; from opset 5 it is an input.
registerHandler('Reshape', 1, (ctx) => {
  const shape = intsAttr(ctx, 'shape');
  if (!shape) return ctx.fail("attribute 'shape' is required in opset < 5");
  ctx.emit('Reshape', [ctx.node.inputs[0]!, ctx.addConstant(int64Vector(shape), 'shape')], {}, ctx.node.outputs);
});
registerHandler('Reshape', 5, (ctx) => {
  const allowzero = ctx.opset >= 14 ? ctx.node.attrs.allowzero ?? 0 : 0;
  const [x, shape] = ctx.node.inputs as [string, string];
  const batched = batchedTarget(ctx.typeOf(x).shape, ctx.constantOf(shape), ctx.tracedBatch);
  const target = batched ? ctx.emit('Dims', [], { dims: batched as AttrValue })[0]! : shape;
  ctx.emit('Reshape', [x, target], { allowzero }, ctx.node.outputs);
});

/**
 * Exporters tracing at batch 1 bake the batch into constant Reshape targets: [1, 2, 58, 28, 28] or
 * [1, -1, 28, 28] in a channel shuffle. When the user made such a model's batch symbolic (S, see
 * HandlerContext.tracedBatch) and the input's leading dim is S, we read a leading 1 as S if that
 * keeps the batch apart from the other dims (the other dims, a -1 included, then come out static);
 * for S = 1 it is the same reshape. A model whose own input declares a symbolic batch keeps ONNX's
 * literal meaning: there a constant 1 is meant.
 */
function batchedTarget(inShape: readonly Dim[], spec: Tensor | undefined, traced: ReadonlySet<string>): Dim[] | undefined {
  const s = inShape[0];
  if (!spec || typeof s !== 'string' || !traced.has(s) || spec.dims.length !== 1) return undefined;
  const dims = toNumbers(spec);
  if (dims[0] !== 1 || dims.some((d) => d === 0 || d < -1)) return undefined;
  const rest = dimDiv(dimProduct(inShape), dimMul(s, dimProduct(dims.filter((d) => d !== -1))));
  const fits = dims.includes(-1) ? typeof rest === 'number' && rest > 0 : rest === 1;
  return fits ? [s, ...dims.slice(1)] : undefined;
}

registerHandler('Flatten', 1, (ctx) => {
  ctx.emit('Flatten', [ctx.node.inputs[0]!], { axis: ctx.node.attrs.axis ?? 1 }, ctx.node.outputs);
});

// Squeeze/Unsqueeze: axes attribute until opset 13, an input from 13.
registerHandler('Squeeze', 1, (ctx) => {
  const axes = intsAttr(ctx, 'axes');
  ctx.emit('Squeeze', [ctx.node.inputs[0]!], axes ? { axes } : {}, ctx.node.outputs);
});
registerHandler('Squeeze', 13, (ctx) => {
  const axes = constInts(ctx, 1, 'axes');
  ctx.emit('Squeeze', [ctx.node.inputs[0]!], axes ? { axes } : {}, ctx.node.outputs);
});
registerHandler('Unsqueeze', 1, (ctx) => {
  const axes = intsAttr(ctx, 'axes');
  if (!axes) return ctx.fail("attribute 'axes' is required in opset < 13");
  ctx.emit('Unsqueeze', [ctx.node.inputs[0]!], { axes }, ctx.node.outputs);
});
registerHandler('Unsqueeze', 13, (ctx) => {
  // Axes known only at run time: the output rank is still static (rank + their count), so the IR
  // node takes them as an input and its kernel computes where the 1s go.
  const a = ctx.node.inputs[1];
  const at = a && !ctx.constantOf(a) ? ctx.typeOf(a) : undefined;
  if (at && at.shape.length === 1 && typeof at.shape[0] === 'number') {
    ctx.emit('Unsqueeze', [ctx.node.inputs[0]!, a!], {}, ctx.node.outputs);
    return;
  }
  const axes = constInts(ctx, 1, 'axes');
  if (!axes) return ctx.fail('axes (input 1) is required');
  ctx.emit('Unsqueeze', [ctx.node.inputs[0]!], { axes }, ctx.node.outputs);
});

registerHandler('Transpose', 1, (ctx) => {
  // No perm reverses the axes.
  const rank = ctx.typeOf(ctx.node.inputs[0]!).shape.length;
  const perm = intsAttr(ctx, 'perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  ctx.emit('Transpose', [ctx.node.inputs[0]!], { perm }, ctx.node.outputs);
});

// Concat-1 defaults axis to 1; from opset 4 it is required (negative values from 11).
registerHandler('Concat', 1, (ctx) => {
  ctx.emit('Concat', ctx.node.inputs.filter(Boolean), { axis: ctx.node.attrs.axis ?? 1 }, ctx.node.outputs);
});
registerHandler('Concat', 4, (ctx) => {
  if (typeof ctx.node.attrs.axis !== 'number') ctx.fail("attribute 'axis' is required");
  ctx.emit('Concat', ctx.node.inputs.filter(Boolean), { axis: ctx.node.attrs.axis }, ctx.node.outputs);
});

// Slice-1 carries starts/ends/axes as attributes; from opset 10 they (and steps) are inputs.
registerHandler('Slice', 1, (ctx) => {
  const starts = intsAttr(ctx, 'starts'), ends = intsAttr(ctx, 'ends'), axes = intsAttr(ctx, 'axes');
  if (!starts || !ends) return ctx.fail("attributes 'starts' and 'ends' are required in opset < 10");
  const inputs = [ctx.node.inputs[0]!, ctx.addConstant(int64Vector(starts), 'starts'), ctx.addConstant(int64Vector(ends), 'ends')];
  if (axes) inputs.push(ctx.addConstant(int64Vector(axes), 'axes'));
  ctx.emit('Slice', inputs, {}, ctx.node.outputs);
});
registerHandler('Slice', 10, (ctx) => {
  const ins = ctx.node.inputs.slice(0, 5);
  while (ins.length > 3 && !ins[ins.length - 1]) ins.pop();
  ctx.emit('Slice', ins, {}, ctx.node.outputs);
});

registerHandler('Gather', 1, (ctx) => {
  ctx.emit('Gather', ctx.node.inputs.slice(0, 2), { axis: ctx.node.attrs.axis ?? 0 }, ctx.node.outputs);
});

