// Helpers of the index-driven kernels (GatherElements, GatherND, ScatterElements, ScatterND):
// reading a run-time index with a bounds check, and writing a scatter update with its reduction.
import { DType, ScatterReduction } from '@onnx2wasm/ir';
import { KernelHost } from '../../lowering.js';
import { Expr, FnBuilder, I32, Local } from '../../wasm-builder.js';
import { ScalarType } from './scalar-types.js';

/**
 * Sets `target` to the int32/int64 index stored at byte address `at`, made non-negative. An index
 * outside [-dim, dim) traps (unreachable): ONNX leaves it undefined, and a kernel must never read
 * or write outside its tensors. int64 indices must fit in i32 (the high word is the sign of the low one).
 * A run-time `dim` is a thunk giving a fresh i32 per use.
 */
export function loadIndex(fn: FnBuilder, dtype: DType, at: () => Expr, dim: number | (() => I32), target: Local): Expr[] {
  const d = () => (typeof dim === 'number' ? dim : dim());
  const negD = (): I32 => (typeof dim === 'number' ? -dim : fn.sub(0, dim()));
  const out = [target.set(fn.loadI32(at()))];
  if (dtype === 'int64') out.push(fn.if(fn.ne(fn.loadI32(at(), 4), fn.selectI(fn.ltS(target.get(), 0), -1, 0)), [fn.failCheck()]));
  out.push(
    fn.if(fn.or(fn.ltS(target.get(), negD()), fn.geS(target.get(), d())), [fn.failCheck()]),
    fn.if(fn.ltS(target.get(), 0), [target.set(fn.add(target.get(), d()))]),
  );
  return out;
}

/** Locals a reduced store needs, allocated once per kernel. */
export interface ReduceLocals { old: Local; upd: Local }

export function reduceLocals(fn: FnBuilder, t: ScalarType): ReduceLocals {
  return { old: fn.local(t.wasm), upd: fn.local(t.wasm) };
}

/** Stores `value` at `dst` combined with what is there (add/mul/max/min; float max/min propagate NaN). */
export function reduceStore(ctx: KernelHost, t: ScalarType, r: Exclude<ScatterReduction, 'none'>, dst: () => Expr, value: Expr, l: ReduceLocals): Expr[] {
  const { fn } = ctx;
  const a = () => l.old.get(), b = () => l.upd.get();
  let v: Expr;
  if (r === 'add' || r === 'mul') v = fn.num(t.wasm, r, a(), b());
  else if (t.float) v = fn.num(t.wasm, r, a(), b());
  else v = fn.select(fn.num(t.wasm, `${r === 'max' ? 'gt' : 'lt'}_${t.signed ? 's' : 'u'}`, a(), b()), a(), b());
  return [l.old.set(t.load(ctx, dst())), l.upd.set(value), t.store(ctx, dst(), v)];
}
