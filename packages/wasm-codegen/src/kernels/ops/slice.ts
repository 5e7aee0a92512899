// Slice with compile-time starts/ends/axes/steps: nested loops over the output, each dim stepping
// the input pointer by step × stride. Dims that stay contiguous merge, and a contiguous innermost
// run (step 1) becomes one memory.copy per row. Any dtype. With run-time dims the same loops run
// on run-time extents; a sliced run-time axis (step 1) clamps its start against the run-time dim.
import { DTYPE_BYTES, DType, Dim, Node, Tensor, dimMul, normalizeAxis, sliceAxis, toNumbers } from '@onnx2wasm/ir';
import { LowerContext, constantInput, registerLowering, staticViewIfAny, unsupported } from '../../lowering.js';
import { Expr, FnBuilder, I32 } from '../../wasm-builder.js';
import { DimLoop, copyElement, dimStrides, loopsI32, mergeDims, stridedLoops } from '../emit/strided-loops.js';
import { computesDims, valueDims } from '../emit/value-shaped.js';
import { sliceByValues } from '../emit/value-shaped-ops.js';

/** One input dim's slice: first index (a number, or an i32 computed at run time), step, output count. */
interface SlicedDim { start: number | (() => I32); step: number; count: Dim }

/**
 * Copies the slice `plan` of a `shape` tensor from `src` (read once) to `dst`; `dim` turns dims into i32s and
 * the addresses are numbers when static (so a static kernel folds its base into one constant).
 */
function sliceKernel(fn: FnBuilder, dtype: DType, shape: Dim[], plan: SlicedDim[], dst: () => I32, src: I32, dim: (d: Dim) => I32): Expr[] {
  if (plan.some((p) => p.count === 0)) return [];
  const elem = DTYPE_BYTES[dtype];
  const is = dimStrides(shape), os = dimStrides(plan.map((p) => p.count));
  // The start offset stays a number while every start and stride is static.
  let offset: I32 = 0;
  plan.forEach((p, d) => {
    const stride = dimMul(is[d]!, elem);
    const term = typeof p.start === 'number' ? dim(dimMul(stride, p.start)) : fn.mul(p.start(), dim(stride));
    offset = typeof offset === 'number' && typeof term === 'number' ? offset + term : fn.add(offset, term);
  });
  const pre: Expr[] = [];
  let from: () => Expr;
  if (typeof offset === 'number' && typeof src === 'number') {
    const at = src + offset;
    from = () => fn.i(at);
  } else {
    const base = fn.local('i32');
    pre.push(base.set(fn.add(src, offset)));
    from = () => base.get();
  }
  const to = () => fn.i(dst());
  const loops: DimLoop[] = mergeDims(plan.map((p, d) => ({ count: p.count, strides: [dimMul(os[d]!, elem), dimMul(is[d]!, p.step * elem)] })));
  const last = loops[loops.length - 1];
  if (!last) return [...pre, copyElement(fn, dtype, to(), from())];
  if (last.strides[0] === elem && last.strides[1] === elem) {
    loops.pop();
    return [...pre, ...stridedLoops(fn, [to, from], loopsI32(loops, dim), ([d, s]) => [fn.copy(d!(), s!(), dim(dimMul(last.count, elem)))])];
  }
  return [...pre, ...stridedLoops(fn, [to, from], loopsI32(loops, dim), ([d, s]) => [copyElement(fn, dtype, d!(), s!())])];
}

interface SliceSpec { starts: number[]; ends: number[]; axes: number[]; steps: number[] }

function sliceSpec(node: Node, rank: number, has: (i: number) => boolean, need: (i: number, what: string) => Tensor): SliceSpec {
  const starts = toNumbers(need(1, 'starts')), ends = toNumbers(need(2, 'ends'));
  const axes = has(3) ? toNumbers(need(3, 'axes')).map((a) => normalizeAxis(node, a, rank)) : starts.map((_, i) => i);
  const steps = has(4) ? toNumbers(need(4, 'steps')) : starts.map(() => 1);
  return { starts, ends, axes, steps };
}

/** starts/ends/axes/steps of a slice whose starts and ends may be computed at run time (Dims of the symbols). */
interface DynamicSpec { starts: (number | undefined)[]; ends: (number | undefined)[]; axes: number[]; steps: number[] }

function dynamicSpec(ctx: LowerContext): DynamicSpec {
  const { node } = ctx;
  const rank = ctx.inputs[0]!.shape.length;
  const need = (i: number, what: string) => ctx.inputs[i]?.constant ?? unsupported(ctx, `${what} (input ${i}) computed at run time, with run-time dims`);
  const known = (i: number): (number | undefined)[] => {
    const c = ctx.inputs[i]!.constant;
    if (c) return toNumbers(c);
    const n = ctx.inputs[i]!.shape[0];
    if (typeof n !== 'number') unsupported(ctx, `input ${i} has run-time length ${n}`);
    return new Array<undefined>(n).fill(undefined);
  };
  const starts = known(1), ends = known(2);
  const axes = ctx.inputs[3] ? toNumbers(need(3, 'axes')).map((a) => normalizeAxis(node, a, rank)) : starts.map((_, i) => i);
  const steps = ctx.inputs[4] ? toNumbers(need(4, 'steps')) : starts.map(() => 1);
  return { starts, ends, axes, steps };
}

/**
 * The plan of a slice whose input has run-time dims, or whose starts/ends are computed from them
 * (position_ids[:, past : past + seq]): fully static axes as before, other axes read their start
 * (from the starts tensor when it is not a constant), clamp it to [0, dim] at run time, and take
 * the count inference gave (a dim expression), by the statements pushed to `pre`.
 */
function dynamicPlan(ctx: LowerContext, spec: DynamicSpec, pre: Expr[]): SlicedDim[] {
  const { fn, node } = ctx;
  const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
  const plan: SlicedDim[] = x.shape.map((d) => ({ start: 0, step: 1, count: d }));
  spec.axes.forEach((a, i) => {
    const d = x.shape[a]!, s = spec.starts[i], e = spec.ends[i], step = spec.steps[i]!;
    if (typeof d === 'number' && s !== undefined && e !== undefined) { plan[a] = sliceAxis(node, d, s, e, step); return; }
    if (step !== 1) unsupported(ctx, `a step of ${step} along axis ${a}, with run-time dims or bounds`);
    const st = fn.local('i32');
    if (s === undefined) {
      // The start as computed (int64 or int32), negative counting from the end, clamped to [0, dim].
      const starts = ctx.inputs[1]!;
      const raw = starts.dtype === 'int64' ? fn.i64ToI32(fn.loadI64(fn.add(starts.addr(), 8 * i))) : fn.loadI32(fn.add(starts.addr(), 4 * i));
      pre.push(st.set(raw), fn.if(fn.ltS(st.get(), 0), [st.set(fn.add(st.get(), x.dim(a)))]));
      pre.push(st.set(fn.selectI(fn.ltS(st.get(), 0), 0, st.get())), st.set(fn.selectI(fn.ltS(x.dim(a), st.get()), x.dim(a), st.get())));
    } else {
      pre.push(...(s < 0
        ? [st.set(fn.add(x.dim(a), Math.max(s, -(2 ** 31)))), st.set(fn.selectI(fn.ltS(st.get(), 0), 0, st.get()))]
        : [st.set(fn.i(Math.min(s, 2 ** 31 - 1))), st.set(fn.selectI(fn.ltS(x.dim(a), st.get()), x.dim(a), st.get()))]));
    }
    // Inference took the count from dim expressions, assuming the slice lies inside the input (a
    // position table of 512 rows sliced to `sequence`): a run past it (or a negative count) traps instead of reading
    // other memory (RuntimeError EXECUTION_FAILED: an index out of range).
    pre.push(fn.if(fn.or(fn.ltS(ctx.dim(y.shape[a]!), 0), fn.gtS(fn.add(st.get(), ctx.dim(y.shape[a]!)), x.dim(a))), [fn.failCheck()]));
    plan[a] = { start: () => st.get(), step: 1, count: y.shape[a]! };
  });
  return plan;
}

registerLowering({
  ops: ['Slice'],
  runTimeDims: true,
  // Starts and ends read at run time: a slice is never longer than the input dim.
  computedDims: valueDims((_, inputs, axis) => inputs[0]?.shape[axis]),
  lower(context) {
    const ctx = staticViewIfAny(context);
    if (!ctx) return lowerSliceRunTime(context);
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    const spec = sliceSpec(node, x.dims.length, (i) => !!ctx.inputs[i], (i, what) => constantInput(ctx, i, what));
    const plan = x.dims.map((d) => ({ start: 0, step: 1, count: d }));
    spec.axes.forEach((a, i) => { plan[a] = sliceAxis(node, x.dims[a]!, spec.starts[i]!, spec.ends[i]!, spec.steps[i]!); });
    return sliceKernel(fn, x.dtype, x.dims, plan, () => y.addr, x.addr, (d) => d as number);
  },
});

function lowerSliceRunTime(ctx: LowerContext): Expr[] {
  if (computesDims(ctx)) return sliceByValues(ctx);
  const { fn } = ctx;
  const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
  const spec = dynamicSpec(ctx);
  const pre: Expr[] = [];
  const plan = dynamicPlan(ctx, spec, pre);
  return [...pre, ...sliceKernel(fn, x.dtype, x.shape, plan, () => y.addr(), x.addr(), ctx.dim)];
}
