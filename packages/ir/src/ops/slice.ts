// Slice(data, starts, ends, axes?, steps?) in the opset-10+ input form (the importer converts the
// opset-1 attributes). Negative starts/ends count from the end; out-of-range values are clamped as
// the spec says ([0, dim] for positive steps, [-1, dim-1] for negative ones).
import { Dim, Node } from '../graph.js';
import { InferContext, OpDef, fail, input, registerOp } from '../op-registry.js';
import { allocateArray } from '../dtype.js';
import { indices } from '../reference.js';
import { Tensor, sizeOf, stridesOf, toNumbers } from '../tensor.js';
import { dimValues, expectIntDType, knownInts, normalizeAxes, unknownDim } from './shape-util.js';
import { dimAdd, dimSub } from '../dim-expr.js';

export interface SliceAxis { start: number; step: number; count: number }

/** First index and element count along one dim of size `dim`. */
export function sliceAxis(node: Node, dim: number, start: number, end: number, step: number): SliceAxis {
  if (step === 0 || !Number.isFinite(step)) fail(node, `step must be non-zero, got ${step}`, 'INVALID_ATTRIBUTE');
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  let s = start < 0 ? start + dim : start;
  let e = end < 0 ? end + dim : end;
  if (step > 0) {
    s = clamp(s, 0, dim);
    e = clamp(e, 0, dim);
    return { start: s, step, count: Math.max(0, Math.ceil((e - s) / step)) };
  }
  s = clamp(s, 0, dim - 1);
  e = clamp(e, -1, dim - 1);
  return { start: s, step, count: Math.max(0, Math.ceil((s - e) / -step)) };
}

interface SliceSpec { starts: number[]; ends: number[]; axes: number[]; steps: number[] }

function checkSpec(node: Node, rank: number, s: SliceSpec): SliceSpec {
  const n = s.starts.length;
  if (s.ends.length !== n || s.axes.length !== n || s.steps.length !== n) {
    fail(node, `starts, ends, axes and steps must have the same length (got ${n}, ${s.ends.length}, ${s.axes.length}, ${s.steps.length})`);
  }
  return { ...s, axes: normalizeAxes(node, s.axes, rank) };
}

/** Per-dim slice of a static shape; dims not named in axes are taken whole. */
export function slicePlan(node: Node, dims: number[], inputs: (Tensor | undefined)[]): SliceAxis[] {
  const [, st, en, ax, sp] = inputs;
  const starts = toNumbers(st!), ends = toNumbers(en!);
  const spec = checkSpec(node, dims.length, {
    starts, ends,
    axes: ax ? toNumbers(ax) : starts.map((_, i) => i),
    steps: sp ? toNumbers(sp) : starts.map(() => 1),
  });
  const plan = dims.map((d) => ({ start: 0, step: 1, count: d }));
  spec.axes.forEach((a, i) => { plan[a] = sliceAxis(node, dims[a]!, spec.starts[i]!, spec.ends[i]!, spec.steps[i]!); });
  return plan;
}

function inferShape(ctx: InferContext): Dim[] {
  const { node } = ctx;
  const x = input(ctx, 0);
  const rank = x.shape.length;
  for (const [i, what] of [[1, 'starts'], [2, 'ends'], [3, 'axes'], [4, 'steps']] as const) {
    expectIntDType(ctx, i, what);
    const t = ctx.inputs[i];
    if (t && t.shape.length !== 1) fail(node, `${what} (input ${i}) must be 1-D, got [${t.shape}]`);
  }
  input(ctx, 1); input(ctx, 2);
  const starts = dimValues(ctx, 1, 'starts'), ends = dimValues(ctx, 2, 'ends');
  const n = starts?.length ?? ends?.length ?? ctx.inputs[1]!.shape[0];
  let axes: number[] | undefined;
  if (ctx.inputs[3]) axes = knownInts(ctx, 3, 'axes');
  else if (typeof n === 'number') axes = Array.from({ length: n }, (_, i) => i);
  if (!axes) return x.shape.map((_, i) => unknownDim(node, i));
  const steps = ctx.inputs[4] ? knownInts(ctx, 4, 'steps') : axes.map(() => 1);
  const norm = normalizeAxes(node, axes, rank);
  const out: Dim[] = [...x.shape];
  norm.forEach((a, i) => {
    const d = x.shape[a]!;
    if (starts && ends && steps && (starts.length !== axes!.length || ends.length !== axes!.length || steps.length !== axes!.length)) {
      fail(node, `starts, ends, axes and steps must have the same length (got ${starts.length}, ${ends.length}, ${axes!.length}, ${steps.length})`);
    }
    const [s, e, step] = [starts?.[i], ends?.[i], steps?.[i]];
    if (typeof d === 'number' && typeof s === 'number' && typeof e === 'number' && step !== undefined) out[a] = sliceAxis(node, d, s, e, step).count;
    else out[a] = (s !== undefined && e !== undefined && step === 1 ? symbolicCount(d, s, e) : undefined) ?? unknownDim(node, a);
  });
  return out;
}

/**
 * Step-1 slice length on a symbolic dim, assuming the dim is at least as large as the constant
 * offsets (exporters slice heads or tails off sequences); a positive constant end could lie past the
 * end, so it stays unknown.
 */
function symbolicCount(d: Dim, start: Dim, end: Dim): Dim | undefined {
  const BIG = 2 ** 31 - 1; // exporters write INT_MAX / INT64_MAX for "to the end"
  const from = (v: Dim, isEnd: boolean): Dim | undefined => {
    if (typeof v === 'string') return v;
    if (v < 0) return dimAdd(d, v);
    if (!isEnd) return v;
    return v >= BIG ? d : undefined;
  };
  if (typeof d === 'number') {
    // A symbolic end on a static dim (position_ids[:, past:past+seq] of a [1, 512] buffer): the
    // count assumes the end lies inside the dim, as the exporting model did (it would index past
    // its own table otherwise); the kernel checks it at run time and traps past the dim.
    if (typeof end !== 'string' || typeof start === 'number' && start < 0) return undefined;
    const count = dimSub(end, start);
    return typeof count === 'number' ? undefined : count;
  }
  const s = from(start, false), e = from(end, true);
  if (s === undefined || e === undefined) return undefined;
  const count = dimSub(e, s);
  return typeof count === 'number' && count < 0 ? undefined : count;
}

export const slice: OpDef = {
  name: 'Slice',
  group: 'movement',
  description: 'take start:end:step along the listed axes (negative values count from the end)',
  infer(ctx) {
    return [{ dtype: input(ctx, 0).dtype, shape: inferShape(ctx) }];
  },
  evaluate(node, inputs) {
    const x = inputs[0]!;
    const plan = slicePlan(node, x.dims, inputs);
    const outDims = plan.map((p) => p.count);
    const strides = stridesOf(x.dims);
    const data = allocateArray(x.dtype, sizeOf(outDims)) as Float32Array;
    let k = 0;
    for (const idx of indices(outDims)) {
      let src = 0;
      for (let d = 0; d < idx.length; d++) src += (plan[d]!.start + idx[d]! * plan[d]!.step) * strides[d]!;
      data[k++] = (x.data as Float32Array)[src]!;
    }
    return [{ dtype: x.dtype, dims: outDims, data }];
  },
  flops: () => 0,
};

registerOp(slice);
