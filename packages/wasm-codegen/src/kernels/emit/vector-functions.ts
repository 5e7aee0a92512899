// The f32x4 form of each elementwise function that has one, keyed by function id (the IR's
// function tables). One table for every kernel that computes a function on vectors: the
// elementwise loop, the fused elementwise loop and the GEMM/conv epilogues (activation.ts). A
// scalar applies it on a splat and takes lane 0. Operands are thunks (a form may read one twice);
// `params` are the function's parameters in the order of the IR's elementwise table
// (functionParams), empty for functions without any.
import { HelperHost } from '../../lowering.js';
import { Expr, FnBuilder } from '../../wasm-builder.js';
import { verf, vexp, vsigmoid, vtanh } from './math.js';

export type VecFn = (ctx: HelperHost | undefined, fn: FnBuilder, xs: (() => Expr)[], params: readonly number[]) => Expr;

/** The lowering context, for the forms that call a shared helper (exp, sigmoid, tanh, erf). */
function need(ctx: HelperHost | undefined): HelperHost {
  if (!ctx) throw new Error('this function needs the lowering context for its helper');
  return ctx;
}

export const F32_BINARY: Readonly<Record<string, VecFn>> = {
  Add: (_c, fn, [a, b]) => fn.vadd(a!(), b!()),
  Sub: (_c, fn, [a, b]) => fn.vsub(a!(), b!()),
  Mul: (_c, fn, [a, b]) => fn.vmul(a!(), b!()),
  Div: (_c, fn, [a, b]) => fn.vdiv(a!(), b!()),
  Max: (_c, fn, [a, b]) => fn.vmax(a!(), b!()),
  Min: (_c, fn, [a, b]) => fn.vmin(a!(), b!()),
};

/** x ** p for the constant exponents exported models use (variance, sqrt, GELU-tanh's cube). */
export const F32_POW: Readonly<Record<number, VecFn>> = {
  1: (_c, _fn, [x]) => x!(),
  2: (_c, fn, [x]) => fn.vmul(x!(), x!()),
  3: (_c, fn, [x]) => fn.vmul(fn.vmul(x!(), x!()), x!()),
  0.5: (_c, fn, [x]) => fn.vsqrt(x!()),
  [-1]: (_c, fn, [x]) => fn.vdiv(fn.vconst(1), x!()),
};

export const F32_UNARY: Readonly<Record<string, VecFn>> = {
  Relu: (_c, fn, [x]) => vrelu(fn, x!()),
  Neg: (_c, fn, [x]) => fn.vneg(x!()),
  Abs: (_c, fn, [x]) => fn.vabs(x!()),
  Sqrt: (_c, fn, [x]) => fn.vsqrt(x!()),
  Floor: (_c, fn, [x]) => fn.vfloor(x!()),
  Ceil: (_c, fn, [x]) => fn.vceil(x!()),
  Reciprocal: (_c, fn, [x]) => fn.vdiv(fn.vconst(1), x!()),
  Identity: (_c, _fn, [x]) => x!(),
  Exp: (c, fn, [x]) => vexp(need(c), fn, x!()),
  Sigmoid: (c, fn, [x]) => vsigmoid(need(c), fn, x!()),
  Tanh: (c, fn, [x]) => vtanh(need(c), fn, x!()),
  Erf: (c, fn, [x]) => verf(need(c), fn, x!()),
  // x < 0 ? alpha * x : x (a NaN x fails the compare and passes through)
  LeakyRelu: (_c, fn, [x], [alpha]) => fn.vbitselect(fn.vmul(x!(), fn.vconst(alpha!)), x!(), fn.vlt(x!(), fn.vzero())),
  HardSigmoid: (_c, fn, [x], [alpha, beta]) => vclamp(fn, fn.vadd(fn.vmul(x!(), fn.vconst(alpha!)), fn.vconst(beta!)), 0, 1),
};

// f32x4.max/min propagate NaN and order ±0, which costs several instructions on x86; pmax/pmin are
// one instruction each. With the data as the FIRST operand, pmax(x, c) = x < c ? c : x and
// pmin(x, c) = c < x ? c : x keep a NaN x (every comparison with it is false), so a clamp against
// non-NaN constants is exact; only the sign of a zero result may differ (-0 for max(-0, 0)).

/** max(x, 0), NaN-propagating. */
export function vrelu(fn: FnBuilder, x: Expr): Expr {
  return fn.vpmax(x, fn.vzero());
}

/** min(max(x, lo), hi), NaN-propagating in x; NaN bounds take the exact (slow) form. */
export function vclamp(fn: FnBuilder, x: Expr, lo: number, hi: number): Expr {
  if (Number.isNaN(lo) || Number.isNaN(hi)) return fn.vmin(fn.vmax(x, fn.vconst(lo)), fn.vconst(hi));
  const low = lo === -Infinity ? x : fn.vpmax(x, fn.vconst(lo));
  return hi === Infinity ? low : fn.vpmin(low, fn.vconst(hi));
}
