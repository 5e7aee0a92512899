// A Scan (opset 9+) whose sequence is too long to unroll within the budget runs as a real loop,
// like a run-time Loop (run-time-loop.ts): the body is emitted once between LoopStart and LoopEnd
// with a trip count of the sequence length; each iteration takes its slice of every scan input
// (Gather at the iteration, or at length - 1 - iteration for a reversed input) and writes every
// scan output into its row of a stacked buffer carried through the loop (ScatterND), reversed
// outputs from the end; a scan output axis other than 0 is a Transpose after the loop. The length
// is a number, or (a symbolic sequence dim) an int64 scalar value read at run time: the stacked
// buffers are then sized at run time too.
import { AttrValue, Dim, makeTensor } from '@onnx2wasm/ir';
import { HandlerContext } from '../handler-registry.js';
import { GraphProto } from '../proto.js';
import { inlineGraph } from '../subgraph.js';

export interface ScanPlan { inAxes: number[]; inReverse: boolean[]; outAxes: number[]; outReverse: boolean[] }

/** The stacked buffers are copied every iteration: longer sequences stay unrolled (or fail there). */
export const MAX_LOOPED_SCAN = 4096;

export function runTimeScan(ctx: HandlerContext, body: GraphProto, states: string[], xs: string[], plan: ScanPlan, len: number | string, inAxes: number[]): string[] {
  const nState = states.length;
  const nOut = (body.output ?? []).length - nState;
  const int64 = (v: number[], dims: number[], hint: string) => ctx.addConstant(makeTensor('int64', dims, v), hint);
  const trip = typeof len === 'number' ? int64([len], [], 'scan_length') : len;
  const last = typeof len === 'number' ? int64([len - 1], [], 'scan_last') : ctx.emit('Sub', [len, int64([1], [], 'scan_one')])[0]!;
  // The scan outputs' per-iteration types: import the body once to read them, then drop that copy.
  const mark = ctx.graph.nodes.length;
  const probeSlices = xs.map((x, j) => ctx.emit('Gather', [x, int64([0], [], 'scan_probe')], { axis: inAxes[j]! })[0]!);
  const probe = inlineGraph(ctx, body, [...states, ...probeSlices], 'body');
  const outTypes = probe.slice(nState).map((v) => ctx.typeOf(v));
  ctx.graph.nodes.length = mark;
  // [len, ...row dims]: a constant when all are numbers, else built from the run-time length and Dims.
  const bufferShape = (row: Dim[]): string => {
    if (typeof len === 'number' && row.every((d) => typeof d === 'number')) return int64([len, ...(row as number[])], [1 + row.length], 'scan_shape');
    const head = typeof len === 'number' ? int64([len], [1], 'scan_rows') : ctx.emit('Reshape', [len, int64([1], [1], 'one_row')], { allowzero: 0 })[0]!;
    if (!row.length) return head;
    const rest = row.every((d) => typeof d === 'number') ? int64(row as number[], [row.length], 'scan_row_shape') : ctx.emit('Dims', [], { dims: row as AttrValue })[0]!;
    return ctx.emit('Concat', [head, rest], { axis: 0 })[0]!;
  };
  const zeros = outTypes.map((t) => ctx.emit('ConstantOfShape', [bufferShape(t.shape)], { value: makeTensor(t.dtype, [1], [0]) })[0]!);
  const [iter, cond, ...carried] = ctx.emit('LoopStart', ['', ...states, ...zeros], { nondeterministic: true }, 2 + nState + nOut);
  const back = ctx.emit('Sub', [last, iter!])[0]!;
  const slices = xs.map((x, j) => ctx.emit('Gather', [x, plan.inReverse[j] ? back : iter!], { axis: inAxes[j]! })[0]!);
  const outs = inlineGraph(ctx, body, [...carried.slice(0, nState), ...slices], 'body');
  const rowOf = (reverse: boolean) => ctx.emit('Reshape', [reverse ? back : iter!, int64([1, 1], [2], 'row_index')])[0]!;
  const stacked = outs.slice(nState).map((v, k) => ctx.emit('ScatterND', [carried[nState + k]!, rowOf(plan.outReverse[k]!), ctx.emit('Unsqueeze', [v], { axes: [0] })[0]!], { reduction: 'none' })[0]!);
  const always = ctx.addConstant(makeTensor('bool', [], [1]), 'scan_more');
  const finals = ctx.emit('LoopEnd', [trip, iter!, cond!, always, ...carried, ...outs.slice(0, nState), ...stacked], { carried: nState + nOut, nondeterministic: true }, nState + nOut);
  return finals.map((f, k) => {
    if (k < nState) return f;
    const rank = outTypes[k - nState]!.shape.length + 1;
    const a = plan.outAxes[k - nState]! < 0 ? plan.outAxes[k - nState]! + rank : plan.outAxes[k - nState]!;
    if (a === 0) return f;
    const perm = [...Array(rank).keys()].slice(1);
    perm.splice(a, 0, 0);
    return ctx.emit('Transpose', [f], { perm })[0]!;
  });
}
