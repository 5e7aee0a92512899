// Small pieces shared by the kernels that lower both static and run-time dims: the same code path
// takes I32 quantities (numbers fold to constants, so the static kernels come out as before).
import { Dim } from '@onnx2wasm/ir';
import { Expr, FnBuilder, I32 } from '../../wasm-builder.js';
import { LoopDim, stridedLoops } from './strided-loops.js';

/** A static kernel's dim function (its dims are numbers). */
export const staticDim = (d: Dim): I32 => d as number;

/** [address, offset immediate] for byte `off` into a tensor at `base`: a static base becomes the immediate. */
export function at(fn: FnBuilder, base: I32, off: Expr): [Expr, number] {
  return typeof base === 'number' ? [off, base] : [fn.add(off, base), 0];
}

/**
 * The vector part of a loop of `n` elements, `n` rounded down to a multiple of 4: a constant for a
 * static n, else a local set by `init` (run it before the loops) so the vector loop and the scalar
 * tail can both read it.
 */
export function vectorEnd(fn: FnBuilder, n: () => I32): { init: Expr[]; end: () => I32 } {
  const s = n();
  if (typeof s === 'number') return { init: [], end: () => s - (s % 4) };
  const l = fn.local('i32');
  return { init: [l.set(fn.and(s, -4))], end: () => l.get() };
}

/** a * b that stays a number when `a` is static (strides handed to `stridedLoops`). */
export function times(fn: FnBuilder, a: I32, b: number): I32 {
  return typeof a === 'number' ? a * b : fn.mul(a, b);
}

/**
 * An int64 count read at run time as an i32, clamped to [-1, 2^31 - 1], so a huge or negative
 * value still compares as out of range (a run-time TopK k, a row count) instead of wrapping.
 */
export function clampedCount(fn: FnBuilder, raw: () => Expr): Expr {
  const max = () => fn.constOf('i64', 0x7fffffff), min = () => fn.constOf('i64', -1);
  return fn.i64ToI32(fn.select(fn.num('i64', 'gt_s', raw(), max()), max(), fn.select(fn.num('i64', 'lt_s', raw(), min()), min(), raw())));
}
