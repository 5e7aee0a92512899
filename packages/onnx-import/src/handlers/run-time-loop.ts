// A Loop whose trip count or condition is only known at run time: its body is imported once,
// between a LoopStart and a LoopEnd node (see the IR op), and the code generator runs it in a wasm
// loop. Loop-carried values keep their type from one iteration to the next (a body that changes a
// carried shape is a DYNAMIC_SHAPE error). Scan outputs need a trip count M (a run-time condition
// may stop the loop earlier): each is carried as a buffer of M rows, the iteration's value is
// written into row `iter` (ScatterND), and after the loop TakeRows keeps the rows of the iterations
// that ran (a value-dependent dim, see docs/dynamic-shapes.md). A run-time M sizes the buffers at
// run time (ConstantOfShape of a computed shape: planned by grow-and-rerun); a Loop with only a
// condition has no row count before it runs and is refused.
import { AttrValue, DType, Dim, getNumber, makeTensor } from '@onnx2wasm/ir';
import { OnnxImportError } from '../errors.js';
import { HandlerContext } from '../handler-registry.js';
import { GraphProto } from '../proto.js';
import { inlineGraph } from '../subgraph.js';
import { scalarOf } from './scalar-value.js';

/** A single-element bool value as a scalar (what LoopStart and LoopEnd take). */
function scalarBool(ctx: HandlerContext, v: string): string {
  const t = ctx.typeOf(v);
  if (t.dtype !== 'bool' || !t.shape.every((d) => d === 1)) ctx.fail(`the loop condition must be one bool, got ${t.dtype}[${t.shape}]`);
  return scalarOf(ctx, v);
}

export function runTimeLoop(ctx: HandlerContext, body: GraphProto, why: string): void {
  const [tripName, condName, ...initial] = ctx.node.inputs;
  const nScan = (body.output ?? []).length - 1 - initial.length;
  const trip = tripName ? ctx.constantOf(tripName) : undefined;
  const rows = trip ? Number(getNumber(trip, 0)) : undefined;
  if (nScan > 0 && (tripName ? rows !== undefined && !(rows <= MAX_SCAN_ROWS) : true)) {
    const what = rows === undefined ? `${why} must be known at compile time (a trip count, even a run-time one, sizes the scan buffers)` : `the trip count ${rows} must be at most ${MAX_SCAN_ROWS}`;
    throw new OnnxImportError('DYNAMIC_SHAPE', `Loop node '${ctx.node.name}': ${what} for its ${nScan} scan output${nScan === 1 ? '' : 's'} (their buffers are planned for the trip count; the iterations that run may stop earlier)${rows === undefined ? '' : '; pin it (constantInputs / --constant)'}`, { node: ctx.node.name, op: 'Loop' });
  }
  if (nScan > 0) return runTimeLoopWithScans(ctx, body, rows === undefined ? runTimeRows(ctx, tripName!) : Math.max(0, rows), nScan);
  if (tripName) {
    const t = ctx.typeOf(tripName);
    if (t.dtype !== 'int64' || !t.shape.every((d) => d === 1)) ctx.fail(`the trip count must be one int64, got ${t.dtype}[${t.shape}]`);
  }
  const [iter, cond, ...carried] = ctx.emit('LoopStart', [condName ? scalarBool(ctx, condName) : '', ...initial], { nondeterministic: true }, 2 + initial.length);
  const outs = inlineGraph(ctx, body, [iter!, cond!, ...carried], 'body');
  const condOut = scalarBool(ctx, outs[0]!);
  const finals = ctx.emit('LoopEnd', [tripName ?? '', iter!, cond!, condOut, ...carried, ...outs.slice(1, 1 + initial.length)], { carried: initial.length, nondeterministic: true }, initial.length);
  ctx.node.outputs.forEach((o, k) => { if (o && k < finals.length) ctx.emit('Identity', [finals[k]!], {}, [o]); });
}

/** Scan outputs are stacked in carried buffers of this many rows at most (each iteration copies them). */
const MAX_SCAN_ROWS = 4096;

/** max(M, 0) as a one-element int64 [rows] for a scan buffer's shape, from the run-time trip count M. */
function runTimeRows(ctx: HandlerContext, tripName: string): string {
  const t = ctx.typeOf(tripName);
  if (t.dtype !== 'int64' || !t.shape.every((d) => d === 1)) ctx.fail(`the trip count must be one int64, got ${t.dtype}[${t.shape}]`);
  const flat = ctx.emit('Reshape', [tripName, ctx.addConstant(makeTensor('int64', [1], [1]), 'one_row')])[0]!;
  return ctx.emit('Max', [flat, ctx.addConstant(makeTensor('int64', [1], [0]), 'no_rows')])[0]!;
}

/** The shape [rows, ...dims] of a scan buffer: rows a compile-time count or a run-time [1] value, dims numbers or symbols. */
function scanShape(ctx: HandlerContext, rows: number | string, dims: Dim[]): string {
  if (typeof rows === 'number' && dims.every((d) => typeof d === 'number')) return ctx.addConstant(makeTensor('int64', [1 + dims.length], [rows, ...(dims as number[])]), 'scan_shape');
  const head = typeof rows === 'number' ? ctx.addConstant(makeTensor('int64', [1], [rows]), 'scan_rows') : rows;
  if (!dims.length) return head;
  const rest = dims.every((d) => typeof d === 'number')
    ? ctx.addConstant(makeTensor('int64', [dims.length], dims as number[]), 'scan_row_shape')
    : ctx.emit('Dims', [], { dims: dims as AttrValue })[0]!;
  return ctx.emit('Concat', [head, rest], { axis: 0 })[0]!;
}

function runTimeLoopWithScans(ctx: HandlerContext, body: GraphProto, rows: number | string, nScan: number): void {
  const [tripName, condName, ...initial] = ctx.node.inputs;
  const nCarried = initial.length;
  // The scan values' types come from the body: import it once to read them, then drop that copy.
  const mark = ctx.graph.nodes.length;
  const probe = ctx.emit('LoopStart', [condName ? scalarBool(ctx, condName) : '', ...initial], { nondeterministic: true }, 2 + nCarried);
  const probeOuts = inlineGraph(ctx, body, probe, 'body');
  const scanTypes = probeOuts.slice(1 + nCarried).map((v) => ctx.typeOf(v));
  ctx.graph.nodes.length = mark;
  const zeros = scanTypes.map((t) => ctx.emit('ConstantOfShape', [scanShape(ctx, rows, t.shape)], { value: makeTensor(t.dtype as DType, [1], [0]) })[0]!);
  const zero = ctx.addConstant(makeTensor('int64', [], [0]), 'count');
  const [iter, cond, ...carried] = ctx.emit('LoopStart', [condName ? scalarBool(ctx, condName) : '', ...initial, ...zeros, zero], { nondeterministic: true }, 2 + nCarried + nScan + 1);
  const outs = inlineGraph(ctx, body, [iter!, cond!, ...carried.slice(0, nCarried)], 'body');
  const condOut = scalarBool(ctx, outs[0]!);
  // Row `iter` of each stack gets this iteration's value; the count of iterations that ran grows.
  const at = ctx.emit('Reshape', [iter!, ctx.addConstant(makeTensor('int64', [2], [1, 1]), 'row_index')])[0]!;
  const stacked = outs.slice(1 + nCarried).map((v, k) => {
    const row = ctx.emit('Unsqueeze', [v], { axes: [0] })[0]!;
    return ctx.emit('ScatterND', [carried[nCarried + k]!, at, row], { reduction: 'none' })[0]!;
  });
  const counted = ctx.emit('Add', [carried[nCarried + nScan]!, ctx.addConstant(makeTensor('int64', [], [1]), 'one')])[0]!;
  const finals = ctx.emit('LoopEnd', [tripName ?? '', iter!, cond!, condOut, ...carried, ...outs.slice(1, 1 + nCarried), ...stacked, counted], { carried: nCarried + nScan + 1, nondeterministic: true }, nCarried + nScan + 1);
  const ran = finals[nCarried + nScan]!;
  ctx.node.outputs.forEach((o, k) => {
    if (!o) return;
    if (k < nCarried) ctx.emit('Identity', [finals[k]!], {}, [o]);
    else ctx.emit('TakeRows', [finals[k]!, ran], {}, [o]);
  });
}
