// Output dims read from a tensor's values at run time (Reshape's shape, Expand's shape, Tile's
// repeats, Slice's starts/ends/axes/steps, Pad's pads/axes, ConstantOfShape's shape, Range's
// limits, OneHot's depth). Inference gives such a dim a symbol of its own (`unknownDim`:
// `<output>_d<i>`), which folding replaces with a number when the values are known at compile
// time; those left are value-dependent dims of the node (ComputedDim). The kernel computes each
// from the values, compares it with the value in the dims table (what memory was planned for:
// the bound where one exists, else the runtime's current plan), writes it, and traps when one is
// negative, above the plan, or the values contradict each other (INCONSISTENT). The runtime then
// reports the node, or grows its plan and runs again (packages/runtime/src/dynamic-dims.ts).
// The helpers take the FnBuilder and operand expressions, so they do not depend on one context.
import { Dim, Node, unknownDim } from '@onnx2wasm/ir';
import { ComputedDim, LowerContext, Operand } from '../../lowering.js';
import { CodegenError } from '../../errors.js';
import { Expr, FnBuilder, I32, Local } from '../../wasm-builder.js';

/** What a kernel writes for a dim when its inputs give no valid shape (the runtime's SHAPE_MISMATCH). */
export const INCONSISTENT = -2147483648;

/** Output axes whose dim is this node's own value-dependent symbol. */
export function valueDimAxes(node: Node, out: { shape: Dim[] }): number[] {
  return out.shape.flatMap((d, i) => (d === unknownDim(node, i) ? [i] : []));
}

type ShapeOf = { shape: Dim[] } | undefined;

/** `computedDims` of an op whose output dims come from values; `bound` gives an axis's bound where one follows from the input shapes. */
export function valueDims(bound?: (node: Node, inputs: ShapeOf[], axis: number) => Dim | undefined) {
  return (node: Node, inputs: ShapeOf[], outputs: { shape: Dim[] }[]): ComputedDim[] => valueDimAxes(node, outputs[0]!).map((i) => {
    const symbol = outputs[0]!.shape[i] as string, b = bound?.(node, inputs, i);
    return b === undefined ? { symbol } : { symbol, bound: b };
  });
}

/** Whether this node computes output dims from values (and so takes the kernels of value-shaped-ops.ts). */
export const computesDims = (ctx: LowerContext): boolean => !!ctx.outputs[0] && valueDimAxes(ctx.node, ctx.outputs[0]).length > 0;

/** Input `i`, which the op needs to compute its dims; a model that omits it is INVALID_MODEL naming the node. */
export function required(ctx: LowerContext, i: number, what: string): Operand {
  const t = ctx.inputs[i];
  if (!t) throw new CodegenError(`${ctx.node.op} node '${ctx.node.name}': ${what} (input ${i}) is required`, { node: ctx.node.name, op: ctx.node.op }, 'INVALID_MODEL');
  return t;
}

/** Element `i` of an integer tensor as an i64. */
export function intAt(fn: FnBuilder, t: Operand, i: number): Expr {
  if (t.dtype === 'int64' || t.dtype === 'uint64') return fn.loadI64(t.addr(), 8 * i);
  if (t.dtype === 'int32') return fn.i32ToI64(fn.loadI32(t.addr(), 4 * i));
  if (t.dtype === 'uint32') return fn.num('i64', 'extend_u', fn.loadI32(t.addr(), 4 * i));
  throw new Error(`'${t.name}' has dtype ${t.dtype}; expected an integer shape tensor`);
}

/** An i64 constant (the value-shaped kernels compute dims in i64 before they clamp them to i32). */
export const i64c = (fn: FnBuilder, v: number) => fn.constOf('i64', v);

/** An i64 clamped into [lo, hi] and wrapped to i32 (lo, hi within the i32 range). */
export function clampI32(fn: FnBuilder, raw: () => Expr, lo: number, hi: number): Expr {
  const gt = fn.num('i64', 'gt_s', raw(), i64c(fn, hi)), lt = fn.num('i64', 'lt_s', raw(), i64c(fn, lo));
  return fn.i64ToI32(fn.select(gt, i64c(fn, hi), fn.select(lt, i64c(fn, lo), raw())));
}

/** A dim from an i64: negative values become -1 (refused when published), huge ones the i32 maximum (a plan too large to grow to). */
export const dimFromI64 = (fn: FnBuilder, raw: () => Expr): Expr => clampI32(fn, raw, -1, 0x7fffffff);

/**
 * Publishes the node's own output dims (`dims[axis]`, i32 locals): each is compared with the value
 * memory was planned for (read from the table before it is overwritten) and written; then, when
 * one is negative or above the plan or `bad` is set (written as INCONSISTENT), the run traps.
 */
export function publishDims(ctx: LowerContext, dims: Local[], bad?: Local): Expr[] {
  const { fn } = ctx;
  const y = ctx.outputs[0]!;
  const stop = fn.local('i32');
  const out: Expr[] = [stop.set(bad ? bad.get() : fn.i(0))];
  for (const a of valueDimAxes(ctx.node, y)) {
    const sym = y.shape[a] as string;
    out.push(stop.set(fn.or(stop.get(), fn.or(fn.ltS(dims[a]!.get(), 0), fn.gtS(dims[a]!.get(), ctx.dim(sym))))));
    out.push(ctx.setDim(sym, bad ? fn.selectI(bad.get(), INCONSISTENT, dims[a]!.get()) : dims[a]!.get()));
  }
  out.push(fn.if(stop.get(), [fn.failCheck()]));
  return out;
}

/** How one output axis reads the input: the input index for output index i, the input's byte stride, and (padding) whether i maps inside the input. */
export interface AxisMap { index(i: () => Expr): I32; stride(): I32; inside?(i: () => Expr): Expr }

/**
 * y[i_0, …, i_{R-1}] = x at Σ index_d(i_d) × stride_d, for output dims `dims` (i32 locals);
 * elements some axis maps outside the input are written by `fill`.
 */
export function mappedCopy(fn: FnBuilder, elem: number, dims: Local[], dst: () => I32, src: () => I32, axes: AxisMap[], copy: (dst: Expr, src: Expr) => Expr, fill?: (dst: Expr) => Expr): Expr[] {
  const rank = dims.length;
  if (rank === 0) return [copy(fn.i(dst()), fn.i(src()))];
  const p = fn.local('i32');
  const idx = dims.map(() => fn.local('i32')), off = dims.map(() => fn.local('i32'));
  const ok = fill ? dims.map(() => fn.local('i32')) : [];
  const level = (d: number): Expr[] => {
    const i = () => idx[d]!.get(), ax = axes[d]!;
    const stmts = [off[d]!.set(fn.add(d === 0 ? fn.i(src()) : off[d - 1]!.get(), fn.mul(ax.index(i), ax.stride())))];
    if (fill) {
      const inside = ax.inside ? ax.inside(i) : fn.i(1);
      stmts.push(ok[d]!.set(d === 0 ? inside : fn.and(ok[d - 1]!.get(), inside)));
    }
    if (d < rank - 1) {
      stmts.push(fn.for(idx[d + 1]!, 0, dims[d + 1]!.get(), 1, level(d + 1)));
    } else {
      stmts.push(fill ? fn.if(ok[d]!.get(), [copy(p.get(), off[d]!.get())], [fill(p.get())]) : copy(p.get(), off[d]!.get()));
      stmts.push(p.set(fn.add(p.get(), elem)));
    }
    return stmts;
  };
  return [p.set(fn.i(dst())), fn.for(idx[0]!, 0, dims[0]!.get(), 1, level(0))];
}

/** Byte strides of a tensor's dims, as run-time expressions (fresh on every call). */
export function byteStrides(fn: FnBuilder, x: Operand, elem: number): (() => I32)[] {
  const rank = x.shape.length;
  return x.shape.map((_, d) => () => fn.mul(x.count(d + 1, rank), elem));
}
