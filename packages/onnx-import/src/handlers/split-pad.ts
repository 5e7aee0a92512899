// Split and Pad: their attribute forms (split sizes, pads and value before opsets 13 / 11) become
// the IR's input form, so one IR op and one kernel serve every opset.
import { makeTensor } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { int64Vector, intsAttr } from './const-input.js';

function emitSplit(ctx: HandlerContext, split: string | undefined, allowUneven: boolean): void {
  const { node } = ctx;
  const axis = typeof node.attrs.axis === 'number' ? node.attrs.axis : 0;
  if (!split && !allowUneven) {
    // Before opset 18 an omitted split means equal parts.
    const shape = ctx.typeOf(node.inputs[0]!).shape;
    const dim = shape[axis < 0 ? axis + shape.length : axis];
    if (typeof dim === 'number' && dim % node.outputs.length !== 0) ctx.fail(`cannot split ${dim} entries into ${node.outputs.length} equal parts`);
  }
  ctx.emit('Split', split ? [node.inputs[0]!, split] : [node.inputs[0]!], { axis }, node.outputs);
}

// Split-1 takes the sizes as an optional second input or as an attribute; 2 and 11 as an attribute.
registerHandler('Split', 1, (ctx) => {
  const sizes = intsAttr(ctx, 'split');
  emitSplit(ctx, ctx.node.inputs[1] || (sizes ? ctx.addConstant(int64Vector(sizes), 'split') : undefined), false);
});
registerHandler('Split', 2, (ctx) => {
  const sizes = intsAttr(ctx, 'split');
  emitSplit(ctx, sizes ? ctx.addConstant(int64Vector(sizes), 'split') : undefined, false);
});
registerHandler('Split', 13, (ctx) => emitSplit(ctx, ctx.node.inputs[1] || undefined, false));
// From 18, num_outputs (which must match the outputs) allows a smaller last piece.
registerHandler('Split', 18, (ctx) => {
  const n = ctx.node.attrs.num_outputs;
  const split = ctx.node.inputs[1] || undefined;
  if (split && n !== undefined) ctx.fail("give either the 'split' input or the 'num_outputs' attribute, not both");
  if (!split && typeof n !== 'number') ctx.fail("needs the 'split' input or the 'num_outputs' attribute");
  if (typeof n === 'number' && n !== ctx.node.outputs.length) ctx.fail(`num_outputs is ${n} but the node has ${ctx.node.outputs.length} outputs`);
  emitSplit(ctx, split, true);
});

/** The constant padding value as a scalar of x's dtype; undefined for 0 (the IR's default). */
function padValue(ctx: HandlerContext): string | undefined {
  const v = ctx.node.attrs.value;
  if (v === undefined || v === null || v === 0) return undefined;
  if (typeof v !== 'number') return ctx.fail("attribute 'value' must be a float");
  const dtype = ctx.typeOf(ctx.node.inputs[0]!).dtype;
  return ctx.addConstant(makeTensor(dtype, [], [v]), 'value');
}

function padAttrs(ctx: HandlerContext): { mode: string } {
  const mode = ctx.node.attrs.mode;
  return { mode: typeof mode === 'string' ? mode : 'constant' };
}

// Pad-1 names the amounts 'paddings', Pad-2 'pads'; both carry the value as a float attribute.
for (const [since, name] of [[1, 'paddings'], [2, 'pads']] as const) {
  registerHandler('Pad', since, (ctx) => {
    const pads = intsAttr(ctx, name);
    if (!pads) return ctx.fail(`attribute '${name}' is required in opset ${ctx.opset}`);
    const value = padValue(ctx);
    const inputs = [ctx.node.inputs[0]!, ctx.addConstant(int64Vector(pads), 'pads')];
    if (value) inputs.push(value);
    ctx.emit('Pad', inputs, padAttrs(ctx), ctx.node.outputs);
  });
}
// From 11 pads and constant_value are inputs; 18 adds axes.
registerHandler('Pad', 11, (ctx) => {
  const inputs = ctx.node.inputs.slice(0, 4);
  while (inputs.length > 2 && !inputs[inputs.length - 1]) inputs.pop();
  ctx.emit('Pad', inputs, padAttrs(ctx), ctx.node.outputs);
});
