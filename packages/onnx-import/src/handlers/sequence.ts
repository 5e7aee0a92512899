// Sequence ops whose structure is known at compile time. A static compiler has no run-time list
// values, so the importer tracks each sequence as the list of tensor values it holds: construct,
// insert, erase and length become bookkeeping; SequenceAt is that element; ConcatFromSequence is a
// Concat; SplitToSequence is a Split. Positions must be compile-time constants; sequences that
// leave the graph (graph inputs/outputs of sequence type) stay unsupported.
import { Graph, makeTensor, toNumbers } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';

const sequences = new WeakMap<Graph, Map<string, string[]>>();

function table(ctx: HandlerContext): Map<string, string[]> {
  let t = sequences.get(ctx.graph);
  if (!t) sequences.set(ctx.graph, (t = new Map()));
  return t;
}

function seq(ctx: HandlerContext, name: string | undefined): string[] {
  const s = name ? table(ctx).get(name) : undefined;
  if (!s) ctx.fail(`'${name}' is not a sequence known at compile time`);
  return s;
}

function define(ctx: HandlerContext, items: string[]): void {
  table(ctx).set(ctx.node.outputs[0]!, items);
  // A sequence has no tensor type; record nothing else so using it as a tensor fails clearly.
}

/** A position input (default `dflt`), normalized against `length` (insert allows length itself). */
function position(ctx: HandlerContext, input: string | undefined, length: number, dflt: number, inclusive: boolean): number {
  if (!input) return dflt;
  const c = ctx.constantOf(input);
  if (!c) ctx.needValue(input, `position (input '${input}') must be known at compile time`);
  let p = toNumbers(c)[0]!;
  if (p < 0) p += length;
  if (p < 0 || p > (inclusive ? length : length - 1)) ctx.fail(`position ${toNumbers(c)[0]} is out of range for a sequence of ${length}`);
  return p;
}

function copyTo(ctx: HandlerContext, src: string): void {
  ctx.emit('Identity', [src], {}, [ctx.node.outputs[0]!]);
}

registerHandler('SequenceEmpty', 11, (ctx) => define(ctx, []));
registerHandler('SequenceConstruct', 11, (ctx) => define(ctx, ctx.node.inputs.filter(Boolean)));
registerHandler('SequenceInsert', 11, (ctx) => {
  const s = seq(ctx, ctx.node.inputs[0]);
  const at = position(ctx, ctx.node.inputs[2], s.length, s.length, true);
  define(ctx, [...s.slice(0, at), ctx.node.inputs[1]!, ...s.slice(at)]);
});
registerHandler('SequenceErase', 11, (ctx) => {
  const s = seq(ctx, ctx.node.inputs[0]);
  const at = position(ctx, ctx.node.inputs[1], s.length, s.length - 1, false);
  define(ctx, [...s.slice(0, at), ...s.slice(at + 1)]);
});
registerHandler('SequenceAt', 11, (ctx) => {
  const s = seq(ctx, ctx.node.inputs[0]);
  copyTo(ctx, s[position(ctx, ctx.node.inputs[1], s.length, 0, false)]!);
});
registerHandler('SequenceLength', 11, (ctx) => {
  const n = ctx.addConstant(makeTensor('int64', [], [seq(ctx, ctx.node.inputs[0]).length]), 'length');
  copyTo(ctx, n);
});
registerHandler('ConcatFromSequence', 11, (ctx) => {
  const s = seq(ctx, ctx.node.inputs[0]);
  if (s.length === 0) ctx.fail('concatenating an empty sequence');
  const axis = typeof ctx.node.attrs.axis === 'number' ? ctx.node.attrs.axis : ctx.fail('axis is required');
  let parts = s;
  if (ctx.node.attrs.new_axis === 1) {
    const rank = ctx.typeOf(s[0]!).shape.length + 1;
    const a = axis < 0 ? axis + rank : axis;
    parts = s.map((v) => ctx.emit('Unsqueeze', [v], { axes: [a] })[0]!);
  }
  ctx.emit('Concat', parts, { axis }, [ctx.node.outputs[0]!]);
});
registerHandler('SplitToSequence', 11, (ctx) => {
  const [x, split] = ctx.node.inputs;
  const shape = ctx.typeOf(x!).shape;
  const rank = shape.length;
  const axis0 = typeof ctx.node.attrs.axis === 'number' ? ctx.node.attrs.axis : 0;
  const axis = axis0 < 0 ? axis0 + rank : axis0;
  const dim = shape[axis];
  if (typeof dim !== 'number') return ctx.fail('splitting along a symbolic axis');
  const keepdims = ctx.node.attrs.keepdims ?? 1;
  let sizes: number[];
  if (split) {
    const c = ctx.constantOf(split);
    if (!c) return ctx.needValue(split, `split (input '${split}') must be known at compile time`);
    if (c.dtype !== 'int64' && c.dtype !== 'int32') return ctx.fail(`split (input '${split}') must be an integer tensor, got ${c.dtype}`);
    const v = toNumbers(c);
    if (c.dims.length === 0 && !(v[0]! >= 1)) return ctx.fail(`split (input '${split}') is ${v[0]}; a chunk length must be at least 1`);
    sizes = c.dims.length === 0 ? Array.from({ length: Math.ceil(dim / v[0]!) }, (_, i) => Math.min(v[0]!, dim - i * v[0]!)) : v;
    if (sizes.some((n) => n < 0) || sizes.reduce((a, b) => a + b, 0) !== dim) return ctx.fail(`split sizes [${sizes}] do not add up to the axis length ${dim}`);
  } else sizes = new Array(dim).fill(1);
  const items: string[] = [];
  let start = 0;
  for (const size of sizes) {
    const starts = ctx.addConstant(makeTensor('int64', [1], [start]), 'start');
    const ends = ctx.addConstant(makeTensor('int64', [1], [start + size]), 'end');
    const axes = ctx.addConstant(makeTensor('int64', [1], [axis]), 'axis');
    let part = ctx.emit('Slice', [x!, starts, ends, axes], {})[0]!;
    if (!split && keepdims === 0) part = ctx.emit('Squeeze', [part], { axes: [axis] })[0]!;
    items.push(part);
    start += size;
  }
  define(ctx, items);
});
