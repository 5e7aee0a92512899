// If, Loop and Scan for a static-shape compiler: bodies are inlined (see ../subgraph.ts). An If
// whose condition is known takes one branch; otherwise both branches are compiled under guards and
// only the taken one runs (../run-time-branches.ts); their outputs need one type. A Loop whose trip
// count and condition are known is unrolled; otherwise it runs as a real loop (./run-time-loop.ts).
// Scans are unrolled: the sequence length must be known at compile time.
import { CompileError, getNumber, isFn, makeTensor, typeToString } from '@onnx2wasm/ir';
import { OnnxImportError } from '../errors.js';
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { GraphProto } from '../proto.js';
import { inlineGraph } from '../subgraph.js';
import { dropRecordsFrom, recordMark, recordRankPromotion, recordRunTimeIf, underGuard } from '../run-time-branches.js';
import { runTimeLoop } from './run-time-loop.js';
import { MAX_LOOPED_SCAN, ScanPlan, runTimeScan } from './run-time-scan.js';
import { chargeIteration, unrolling } from '../import-budget.js';
import { scalarOf } from './scalar-value.js';

/** Unrolling past this many iterations would make a huge module; such loops run as real loops. */
const MAX_ITERATIONS = 4096;

/**
 * Body nodes an unrolled Loop may copy in all (trip count × body size): past it a Loop without scan
 * outputs runs as a real loop, its body emitted once. Small static loops stay unrolled (straight code).
 */
const UNROLL_BUDGET = 1024;

function body(ctx: HandlerContext, attr: string): GraphProto {
  const g = ctx.node.subgraphs?.[attr];
  if (!g) ctx.fail(`graph attribute '${attr}' is missing`);
  return g!;
}

const dynamicMessage = (ctx: HandlerContext, what: string) => `${ctx.node.opType} node '${ctx.node.name}': ${what} must be known at compile time (bodies are unrolled or inlined)`;

function dynamic(ctx: HandlerContext, what: string): never {
  throw new OnnxImportError('DYNAMIC_SHAPE', dynamicMessage(ctx, what), { node: ctx.node.name, op: ctx.node.opType });
}

/** The graph inputs a value is computed from: the run-time values a caller could pin. */
function sourcesOf(ctx: HandlerContext, values: string[]): string[] {
  const producer = new Map(ctx.graph.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  const found = new Set<string>(), seen = new Set<string>();
  const visit = (v: string) => {
    if (!v || seen.has(v)) return;
    seen.add(v);
    if (ctx.graph.inputs.includes(v)) found.add(v);
    producer.get(v)?.inputs.forEach(visit);
  };
  values.forEach(visit);
  return [...found];
}

/**
 * The graph inputs a condition comes from, split by how: through Shape/Size (their dims: pinned
 * with inputShapes) or through their values (pinned with constantInputs).
 */
function conditionSources(ctx: HandlerContext, cond: string): { dims: string[]; values: string[] } {
  const producer = new Map(ctx.graph.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  const dims = new Set<string>(), values = new Set<string>(), seen = new Set<string>();
  const visit = (v: string, viaShape: boolean) => {
    const key = `${viaShape}:${v}`;
    if (!v || seen.has(key)) return;
    seen.add(key);
    if (ctx.graph.inputs.includes(v)) (viaShape ? dims : values).add(v);
    const p = producer.get(v);
    if (!p) return;
    const shapeOnly = p.op === 'Shape' || p.op === 'Size' || p.op === 'Dims';
    p.inputs.forEach((i) => visit(i, viaShape || shapeOnly));
  };
  visit(cond, false);
  return { dims: [...dims], values: [...values] };
}

/** What to pin so that a condition is known at compile time, for an error message. */
function pinAdvice(ctx: HandlerContext, cond: string): string {
  const { dims, values } = conditionSources(ctx, cond);
  const names = (vs: string[]) => vs.map((v) => `'${v}'`).join(', ');
  const parts = [
    dims.length ? `it is computed from the dims of ${names(dims)}: pin ${dims.length === 1 ? 'its shape' : 'their shapes'} (inputShapes / --input-shape)` : '',
    values.length ? `${dims.length ? 'and' : 'it is computed'} from the values of ${names(values)}: pin ${values.length === 1 ? 'it' : 'them'} (constantInputs / --constant)` : '',
  ].filter(Boolean);
  return parts.length ? `; ${parts.join(' ')}` : '';
}

/**
 * A value worth suggesting for pinning: when the condition is input == constant (through casts and
 * reshapes), e.g. Silero's Equal(sr, 16000), that constant, keyed by the input.
 */
function comparedValue(ctx: HandlerContext, cond: string): Record<string, number> | undefined {
  const producer = new Map(ctx.graph.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  const PASS = new Set(['Cast', 'Reshape', 'Squeeze', 'Unsqueeze', 'Identity', 'Flatten']);
  const through = (v: string): string => {
    const p = producer.get(v);
    return p && PASS.has(p.op) && p.inputs[0] ? through(p.inputs[0]) : v;
  };
  const eq = producer.get(through(cond));
  if (!eq || !isFn(eq, 'Equal')) return undefined;
  const [a, b] = eq.inputs.map((v) => through(v ?? ''));
  for (const [input, other] of [[a!, b!], [b!, a!]]) {
    const c = ctx.constantOf(other);
    if (ctx.graph.inputs.includes(input) && c && c.data.length === 1) return { [input]: getNumber(c, 0) };
  }
  return undefined;
}

function scalar(ctx: HandlerContext, dtype: 'int64' | 'bool', v: number): string {
  return ctx.addConstant(makeTensor(dtype, [], [v]), dtype === 'bool' ? 'cond' : 'iter');
}

/** Stacks per-iteration values along `axis` of a new dimension (Unsqueeze each, then Concat). */
function stack(ctx: HandlerContext, parts: string[], axis: number, out?: string): string {
  if (parts.length === 0) dynamic(ctx, 'a scan output over zero iterations has no element shape; the iteration count');
  const rows = parts.map((p) => ctx.emit('Unsqueeze', [p], { axes: [axis] })[0]!);
  return ctx.emit('Concat', rows, { axis }, out ? [out] : 1)[0]!;
}

function bindOutputs(ctx: HandlerContext, values: string[]): void {
  ctx.node.outputs.forEach((o, k) => { if (o) ctx.emit('Identity', [values[k]!], {}, [o]); });
}

/**
 * Imports one branch under its guard. A branch that fails with a shape error is returned as the
 * error, its partly emitted nodes removed: it may be a branch the model never takes for these shapes.
 */
function tryBranch(ctx: HandlerContext, flag: string, when: boolean): string[] | CompileError {
  const emitted = ctx.graph.nodes.length, mark = recordMark();
  const attr = when ? 'then_branch' : 'else_branch';
  try {
    return underGuard({ cond: flag, when }, () => inlineGraph(ctx, body(ctx, attr), [], when ? 'then' : 'else'));
  } catch (e) {
    if (!(e instanceof CompileError) || !SHAPE_CODES.has(e.code)) throw e;
    ctx.graph.nodes.length = emitted;
    dropRecordsFrom(mark);
    return e;
  }
}

/** Errors that say a branch does not fit the shapes it is compiled for (not that the model is broken). */
const SHAPE_CODES = new Set(['SHAPE_MISMATCH', 'DYNAMIC_SHAPE']);

registerHandler('If', 1, (ctx) => {
  const cond = ctx.node.inputs[0]!;
  const known = ctx.constantOf(cond);
  if (known) {
    const taken = getNumber(known, 0) ? 'then_branch' : 'else_branch';
    bindOutputs(ctx, inlineGraph(ctx, body(ctx, taken), [], taken.slice(0, 4)));
    return;
  }
  // Decided at run time: both branches are compiled, each node guarded by the condition, so only
  // the taken branch runs (see ../run-time-branches.ts); Where on the condition merges the outputs.
  const condType = ctx.typeOf(cond);
  if (condType.shape.some((d) => d !== 1)) ctx.fail(`the condition must be a single element, got [${condType.shape}]`);
  let scalarFlag = cond;
  if (condType.dtype !== 'bool') scalarFlag = ctx.emit('Cast', [scalarFlag], { to: 'bool' })[0]!;
  scalarFlag = scalarOf(ctx, scalarFlag);
  const yes = tryBranch(ctx, scalarFlag, true);
  const no = tryBranch(ctx, scalarFlag, false);
  if (yes instanceof Error && no instanceof Error) throw yes;
  if (yes instanceof Error || no instanceof Error) {
    // One branch cannot be compiled for these shapes (the model takes it only for other input
    // sizes): a run that takes it traps, the other branch runs as usual.
    const [failed, good, when] = yes instanceof Error ? [yes, no as string[], true] : [no as Error, yes, false];
    const stand = good.map((v) => {
      const t = ctx.typeOf(v);
      if (!t.shape.every((d) => typeof d === 'number')) throw failed;
      return underGuard({ cond: scalarFlag, when }, () => ctx.emit('FailBranch', [scalarFlag], { when: when ? 1 : 0, dtype: t.dtype, shape: t.shape as number[], message: failed.message })[0]!);
    });
    recordRunTimeIf({ node: ctx.node.name, inputs: sourcesOf(ctx, [cond]), compared: comparedValue(ctx, cond), failedBranch: { branch: when ? 'then' : 'else', reason: failed.message } });
    ctx.node.outputs.forEach((o, k) => { if (o) ctx.emit('Where', [scalarFlag, when ? stand[k]! : good[k]!, when ? good[k]! : stand[k]!], {}, [o]); });
    return;
  }
  ctx.node.outputs.forEach((o, k) => {
    if (!o) return;
    const a = ctx.typeOf(yes[k]!), b = ctx.typeOf(no[k]!);
    if (typeToString(a) === typeToString(b)) {
      ctx.emit('Where', [scalarFlag, yes[k]!, no[k]!], {}, [o]);
      return;
    }
    const rankMessage = `If node '${ctx.node.name}': the condition decides the type of output ${k} (then ${typeToString(a)}, else ${typeToString(b)}); branches whose outputs differ in dtype or rank need the condition at compile time${pinAdvice(ctx, cond)}`;
    // One element in both, at different ranks ([] and [1]): merged at the higher rank, which the
    // end of the import checks every reader broadcasts away (checkRankPromotions).
    const one = (t: typeof a) => t.shape.every((d) => d === 1);
    if (a.dtype === b.dtype && a.shape.length !== b.shape.length && one(a) && one(b)) {
      const high = a.shape.length > b.shape.length ? a : b;
      const shape = ctx.addConstant(makeTensor('int64', [high.shape.length], high.shape as number[]), 'one_element');
      const lift = (v: string) => (ctx.typeOf(v).shape.length === high.shape.length ? v : ctx.emit('Reshape', [v, shape])[0]!);
      ctx.emit('Where', [scalarFlag, lift(yes[k]!), lift(no[k]!)], {}, [o]);
      recordRankPromotion({ value: o, rank: high.shape.length, node: ctx.node.name, op: ctx.node.opType, message: rankMessage });
      return;
    }
    // Same dtype and rank, other dims: the taken branch decides the output's dims at run time.
    if (a.dtype !== b.dtype || a.shape.length !== b.shape.length) throw new OnnxImportError('DYNAMIC_SHAPE', rankMessage, { node: ctx.node.name, op: 'If' });
    ctx.emit('SelectBranch', [scalarFlag, yes[k]!, no[k]!], {}, [o]);
  });
  recordRunTimeIf({ node: ctx.node.name, inputs: sourcesOf(ctx, [cond]), compared: comparedValue(ctx, cond) });
});

registerHandler('Loop', 1, (ctx) => {
  const [tripName, condName, ...initial] = ctx.node.inputs;
  const trip = tripName ? ctx.constantOf(tripName) : undefined;
  const cond0 = condName ? ctx.constantOf(condName) : undefined;
  // Both are named at once, so a caller can pin every input the unrolling needs in one go.
  const missing = [tripName && !trip ? `the trip count '${tripName}' (input 0)` : '', condName && !cond0 ? `the initial condition '${condName}' (input 1)` : ''].filter(Boolean);
  const g = body(ctx, 'body');
  if (missing.length) {
    const from = sourcesOf(ctx, [tripName ?? '', condName ?? ''].filter((v) => v && !ctx.constantOf(v)));
    runTimeLoop(ctx, g, missing.join(' and ') + (from.length ? ` (computed from ${from.map((v) => `'${v}'`).join(', ')})` : ''));
    return;
  }
  const limit = trip ? getNumber(trip, 0) : Infinity;
  const nScan = (g.output ?? []).length - 1 - initial.length;
  if (nScan === 0 && Number.isFinite(limit) && limit * Math.max(1, (g.node ?? []).length) > UNROLL_BUDGET) {
    runTimeLoop(ctx, g, `a trip count of ${limit}`);
    return;
  }
  const emitted = ctx.graph.nodes.length, mark = recordMark();
  const fallBack = (why: string) => {
    ctx.graph.nodes.length = emitted;
    dropRecordsFrom(mark);
    runTimeLoop(ctx, g, why);
  };
  let carried = initial as string[];
  let going = cond0 ? getNumber(cond0, 0) !== 0 : true;
  const scans: string[][] = [];
  let i = 0;
  // Unrolled copies count against maxUnrolledIterations, the product through nesting.
  let fellBack: string | undefined;
  unrolling(Number.isFinite(limit) ? Math.min(limit, MAX_ITERATIONS + 1) : Infinity, ctx.node, () => {
    for (; i < limit && going; i++) {
      // Too long to unroll: a real loop instead.
      if (i >= MAX_ITERATIONS) { fellBack = `a trip count over ${MAX_ITERATIONS}`; return; }
      chargeIteration(ctx.node);
      const outs = inlineGraph(ctx, g, [scalar(ctx, 'int64', i), scalar(ctx, 'bool', 1), ...carried], `iter${i}`);
      const next = ctx.constantOf(outs[0]!);
      // The body computes its condition at run time: run the Loop as a loop instead of unrolled.
      if (!next) { fellBack = 'the loop condition (body output 0)'; return; }
      going = getNumber(next, 0) !== 0;
      carried = outs.slice(1, 1 + initial.length);
      outs.slice(1 + initial.length).forEach((s, k) => (scans[k] ??= []).push(s));
    }
  });
  if (fellBack) {
    fallBack(fellBack);
    return;
  }
  ctx.node.outputs.forEach((o, k) => {
    if (!o) return;
    if (k < initial.length) ctx.emit('Identity', [carried[k]!], {}, [o]);
    else if (k - initial.length < nScan) stack(ctx, scans[k - initial.length] ?? [], 0, o);
  });
});


/** Runs the body over slices of `xs` along the plan's axes; returns final states and stacked outputs. */
function unrollScan(ctx: HandlerContext, g: GraphProto, states: string[], xs: string[], plan: ScanPlan, tag: string): { states: string[]; outs: string[] } {
  const lengths = xs.map((x, j) => {
    const shape = ctx.typeOf(x).shape, a = plan.inAxes[j]! < 0 ? plan.inAxes[j]! + shape.length : plan.inAxes[j]!;
    const len = shape[a];
    if (typeof len !== 'number') dynamic(ctx, `the sequence length of scan input '${x}'`);
    return { len: len as number, axis: a };
  });
  const len = lengths[0]?.len ?? 0;
  if (lengths.some((l) => l.len !== len)) ctx.fail(`scan inputs have different sequence lengths (${lengths.map((l) => l.len)})`);
  if (len > MAX_ITERATIONS) throw new OnnxImportError('UNSUPPORTED_OP', `Scan node '${ctx.node.name}': sequences longer than ${MAX_ITERATIONS} are not unrolled`, { node: ctx.node.name, op: 'Scan' });
  const collected: string[][] = [];
  unrolling(len, ctx.node, () => {
    for (let t = 0; t < len; t++) {
      chargeIteration(ctx.node);
      const slices = xs.map((x, j) => ctx.emit('Gather', [x, scalar(ctx, 'int64', plan.inReverse[j] ? len - 1 - t : t)], { axis: lengths[j]!.axis })[0]!);
      const outs = inlineGraph(ctx, g, [...states, ...slices], `${tag}step${t}`);
      states = outs.slice(0, states.length);
      outs.slice(states.length).forEach((s, k) => (collected[k] ??= []).push(s));
    }
  });
  const nOut = (g.output ?? []).length - states.length;
  const outs = Array.from({ length: nOut }, (_, k) => {
    const parts = collected[k] ?? [];
    return stack(ctx, plan.outReverse[k] ? [...parts].reverse() : parts, plan.outAxes[k] ?? 0);
  });
  return { states, outs };
}

function ints(ctx: HandlerContext, name: string, n: number): number[] {
  const v = ctx.node.attrs[name];
  if (v === undefined) return new Array<number>(n).fill(0);
  if (!Array.isArray(v) || v.length !== n) ctx.fail(`attribute '${name}' must list ${n} integers`);
  return (v as number[]).map(Number);
}

registerHandler('Scan', 9, (ctx) => {
  const m = Number(ctx.node.attrs.num_scan_inputs);
  const ins = ctx.node.inputs, g = body(ctx, 'body');
  const nState = ins.length - m, nOut = (g.output ?? []).length - nState;
  if (!(m >= 1) || nState < 0) ctx.fail(`num_scan_inputs=${ctx.node.attrs.num_scan_inputs} does not fit ${ins.length} inputs`);
  const plan: ScanPlan = {
    inAxes: ints(ctx, 'scan_input_axes', m), inReverse: ints(ctx, 'scan_input_directions', m).map(Boolean),
    outAxes: ints(ctx, 'scan_output_axes', nOut), outReverse: ints(ctx, 'scan_output_directions', nOut).map(Boolean),
  };
  // A sequence too long to unroll within the budget runs as a real loop (run-time-scan.ts).
  const xs = ins.slice(nState);
  const axes = xs.map((x, j) => { const r = ctx.typeOf(x).shape.length; return plan.inAxes[j]! < 0 ? plan.inAxes[j]! + r : plan.inAxes[j]!; });
  const len = xs.length ? ctx.typeOf(xs[0]!).shape[axes[0]!] : undefined;
  const sameLen = xs.every((x, j) => ctx.typeOf(x).shape[axes[j]!] === len);
  if (typeof len === 'number' && sameLen && len <= MAX_LOOPED_SCAN && len * Math.max(1, (g.node ?? []).length) > UNROLL_BUDGET) {
    bindOutputs(ctx, runTimeScan(ctx, g, ins.slice(0, nState), xs, plan, len, axes));
    return;
  }
  // A sequence length known only at run time (a symbolic dim): a real loop whose trip count is read
  // from the first scan input's shape; the other scan inputs must have the same symbolic length.
  if (len !== undefined && typeof len !== 'number') {
    if (!sameLen) ctx.fail(`scan inputs have different sequence lengths (${xs.map((x, j) => ctx.typeOf(x).shape[axes[j]!])})`);
    const [lenValue] = ctx.emit('Shape', [xs[0]!], { start: axes[0]!, end: axes[0]! + 1 });
    const trip = scalarOf(ctx, lenValue!);
    bindOutputs(ctx, runTimeScan(ctx, g, ins.slice(0, nState), xs, plan, trip, axes));
    return;
  }
  const r = unrollScan(ctx, g, ins.slice(0, nState), xs, plan, '');
  bindOutputs(ctx, [...r.states, ...r.outs]);
});

// Scan-8 has a batch axis 0 on every input and output and an optional sequence_lens input; the
// body runs per batch entry over axis 1, and equal full-length sequences are required.
registerHandler('Scan', 8, (ctx) => {
  const [lens, ...rest] = ctx.node.inputs;
  const m = Number(ctx.node.attrs.num_scan_inputs), g = body(ctx, 'body');
  const nState = rest.length - m, nOut = (g.output ?? []).length - nState;
  if (!(m >= 1) || nState < 0) ctx.fail(`num_scan_inputs=${ctx.node.attrs.num_scan_inputs} does not fit ${ctx.node.inputs.length} inputs`);
  const batch = ctx.typeOf(rest[0]!).shape[0];
  if (typeof batch !== 'number') dynamic(ctx, 'the batch size');
  const seq = ctx.typeOf(rest[nState]!).shape[1];
  if (lens) {
    const l = ctx.constantOf(lens);
    if (!l) dynamic(ctx, `sequence_lens '${lens}' (input 0)`);
    for (let i = 0; i < l!.data.length; i++) if (getNumber(l!, i) !== seq) throw new OnnxImportError('UNSUPPORTED_OP', `Scan node '${ctx.node.name}': sequence_lens shorter than the sequence axis are not supported`, { node: ctx.node.name, op: 'Scan' });
  }
  const dirs = ints(ctx, 'directions', m).map(Boolean);
  const plan: ScanPlan = { inAxes: new Array<number>(m).fill(0), inReverse: dirs, outAxes: new Array<number>(nOut).fill(0), outReverse: new Array<boolean>(nOut).fill(false) };
  const perBatch: string[][] = [];
  unrolling(batch as number, ctx.node, () => {
    for (let b = 0; b < (batch as number); b++) {
      const pick = (x: string) => ctx.emit('Gather', [x, scalar(ctx, 'int64', b)], { axis: 0 })[0]!;
      const r = unrollScan(ctx, g, rest.slice(0, nState).map(pick), rest.slice(nState).map(pick), plan, `b${b}`);
      [...r.states, ...r.outs].forEach((v, k) => (perBatch[k] ??= []).push(v));
    }
  });
  ctx.node.outputs.forEach((o, k) => { if (o) stack(ctx, perBatch[k] ?? [], 0, o); });
});

