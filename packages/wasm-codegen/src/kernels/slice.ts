// Slice with compile-time starts/ends/axes/steps: nested loops over the output, each dim stepping
// the input pointer by step × stride. Dims that stay contiguous merge, and a contiguous innermost
// run (step 1) becomes one memory.copy per row. Any dtype. With run-time dims the same loops run
// on run-time extents; a sliced run-time axis (step 1) clamps its start against the run-time dim.
import { DTYPE_BYTES, DType, Dim, Node, Tensor, dimMul, normalizeAxis, sliceAxis, toNumbers } from '@onnx2wasm/ir';
import { DynLowerContext, constantInput, registerLowering, unsupported } from '../lowering.js';
import { Expr, FnBuilder, I32 } from '../wasm-builder.js';
import { DimLoop, copyElement, dimStrides, loopsI32, mergeDims, stridedLoops } from './strided-loops.js';

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

/**
 * The plan of a slice whose input has run-time dims: static axes as before, run-time axes clamped
 * at run time by the statements pushed to `pre`.
 */
function dynamicPlan(ctx: DynLowerContext, spec: SliceSpec, pre: Expr[]): SlicedDim[] {
  const { fn, node } = ctx;
  const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
  const plan: SlicedDim[] = x.shape.map((d) => ({ start: 0, step: 1, count: d }));
  spec.axes.forEach((a, i) => {
    const d = x.shape[a]!, s = spec.starts[i]!, step = spec.steps[i]!;
    if (typeof d === 'number') { plan[a] = sliceAxis(node, d, s, spec.ends[i]!, step); return; }
    if (step !== 1) unsupported(ctx, `a step of ${step} along run-time axis ${a}, with run-time dims`);
    // Inference gave the count; the start is clamped to [0, dim] as ONNX says, with the run-time dim.
    const st = fn.local('i32');
    pre.push(...(s < 0
      ? [st.set(fn.add(x.dim(a), Math.max(s, -(2 ** 31)))), st.set(fn.selectI(fn.ltS(st.get(), 0), 0, st.get()))]
      : [st.set(fn.i(Math.min(s, 2 ** 31 - 1))), st.set(fn.selectI(fn.ltS(x.dim(a), st.get()), x.dim(a), st.get()))]));
    plan[a] = { start: () => st.get(), step: 1, count: y.shape[a]! };
  });
  return plan;
}

registerLowering({
  ops: ['Slice'],
  lower(ctx) {
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    const spec = sliceSpec(node, x.dims.length, (i) => !!ctx.inputs[i], (i, what) => constantInput(ctx, i, what));
    const plan = x.dims.map((d) => ({ start: 0, step: 1, count: d }));
    spec.axes.forEach((a, i) => { plan[a] = sliceAxis(node, x.dims[a]!, spec.starts[i]!, spec.ends[i]!, spec.steps[i]!); });
    return sliceKernel(fn, x.dtype, x.dims, plan, () => y.addr, x.addr, (d) => d as number);
  },
  lowerDynamic(ctx) {
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    const need = (i: number, what: string) => ctx.inputs[i]?.constant ?? unsupported(ctx, `${what} (input ${i}) computed at run time, with run-time dims`);
    const spec = sliceSpec(node, x.shape.length, (i) => !!ctx.inputs[i], need);
    const pre: Expr[] = [];
    const plan = dynamicPlan(ctx, spec, pre);
    return [...pre, ...sliceKernel(fn, x.dtype, x.shape, plan, () => y.addr(), x.addr(), ctx.dim)];
  },
});
