// Vectorized transcendental functions built from f32x4 arithmetic (wasm has no exp/erf).
// Each is a shared helper function `v128 -> v128`; scalar callers splat and take lane 0.
//
// Error bounds (measured against float64 over the stated range, see math.test.ts):
//   exp: relative error < 2e-7 for x in [-87, 88]; denormal results down to -103.97 (0 below),
//   +Inf above ln(FLT_MAX) = 88.72283, as onnxruntime and constant folding give (issue #19).
//   erf: absolute error < 2e-7 everywhere; relative error < 1e-6 for |x| < 0.5 (odd Taylor series).
//   sigmoid / tanh: derived from exp; absolute error < 3e-7.
import { HelperHost } from '../../lowering.js';
import { Expr, FnBuilder, Local } from '../../wasm-builder.js';

const LOG2E = 1.4426950408889634, LN2_HI = 0.693359375, LN2_LO = -2.12194440e-4;
/** Above this exp overflows float32 (ln FLT_MAX); below EXP_ZERO it rounds to 0 (ln 2^-150). */
const EXP_OVERFLOW = 88.72283, EXP_ZERO = -103.97208, EXP_MIN_NORMAL = -87.33654;
/** Cephes expf polynomial, highest degree first. */
const EXP_POLY = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];

/**
 * Statements setting `out` to exp(x), inline. Hot loops (softmax rows) use this instead of the
 * shared helper, whose call per vector costs more than the arithmetic (attention 1×4×128×64:
 * 0.60 → 0.55 ms). `nonPositive`: the caller guarantees x <= 0 (or NaN), as softmax's x - max
 * does; inputs above 0 are then read as 0.
 */
export function vexpInto(fn: FnBuilder, x: Expr, out: Local, opts: { nonPositive?: boolean } = {}): Expr[] {
  const n = fn.local('v128'), r = fn.local('v128'), c = fn.local('v128');
  const k = (v: number) => fn.vconst(v);
  // exp(x) = 2^n * exp(r), n = round(x / ln2), r = x - n*ln2 in [-ln2/2, ln2/2]
  const xs = fn.local('v128');
  return [
    xs.set(x),
    // pmin/pmax with x first keep a NaN x and are one instruction each on x86. Down to EXP_ZERO
    // the two factors of 2^n below stay normal and their product rounds to the denormal result.
    c.set(fn.vpmax(fn.vpmin(xs.get(), k(opts.nonPositive ? 0 : EXP_OVERFLOW)), k(opts.nonPositive ? EXP_MIN_NORMAL : EXP_ZERO))),
    n.set(fn.vnearest(fn.vmul(c.get(), k(LOG2E)))),
    r.set(fn.vsub(fn.vsub(c.get(), fn.vmul(n.get(), k(LN2_HI))), fn.vmul(n.get(), k(LN2_LO)))),
    // Taylor/minimax polynomial of degree 6 (Cephes expf coefficients)
    out.set(k(EXP_POLY[0]!)),
    ...EXP_POLY.slice(1).map((coef) => out.set(fn.vadd(fn.vmul(out.get(), r.get()), k(coef)))),
    out.set(fn.vadd(fn.vadd(fn.vmul(fn.vmul(out.get(), r.get()), r.get()), r.get()), k(1))),
    // 2^n from the exponent bits; n in [-126, 128] after the clamp, split in two factors to avoid
    // overflow at 128 — unless x <= 0 is known (softmax: x - max), where n <= 0 needs one factor.
    ...(opts.nonPositive
      ? [
        out.set(fn.vmul(out.get(), fn.vishlExp(fn.vtoI32(n.get())))),
        // One factor cannot reach the denormals: below the smallest normal result, 0 (so -Inf gives 0).
        out.set(fn.vbitselect(k(0), out.get(), fn.vlt(xs.get(), k(EXP_MIN_NORMAL)))),
      ]
      : [
        out.set(fn.vmul(
          fn.vmul(out.get(), fn.vishlExp(fn.vtoI32(fn.vmul(n.get(), k(0.5))))),
          fn.vishlExp(fn.viadd(fn.vtoI32(n.get()), fn.vineg(fn.vtoI32(fn.vmul(n.get(), k(0.5)))))),
        )),
        out.set(fn.vbitselect(k(Infinity), out.get(), fn.vgt(xs.get(), k(EXP_OVERFLOW)))),
        out.set(fn.vbitselect(k(0), out.get(), fn.vlt(xs.get(), k(EXP_ZERO)))),
      ]),
  ];
}

function buildExp(fn: FnBuilder): void {
  const x = fn.param(0), y = fn.local('v128');
  fn.finish([...vexpInto(fn, x.get(), y), fn.return(y.get())], 'v128');
}

export function vexp(ctx: HelperHost, fn: FnBuilder, x: Expr): Expr {
  return fn.callValue(ctx.helper('vexp', buildExp, ['v128']), [x], 'v128');
}

function buildSigmoid(fn: FnBuilder): void {
  const x = fn.param(0);
  // 1 / (1 + exp(-x)): exp saturates to +Inf for very negative x, giving 0 as required.
  fn.finish([fn.return(fn.vdiv(fn.vconst(1), fn.vadd(fn.vconst(1), fn.callValue('vexp', [fn.vneg(x.get())], 'v128'))))], 'v128');
}

export function vsigmoid(ctx: HelperHost, fn: FnBuilder, x: Expr): Expr {
  ctx.helper('vexp', buildExp, ['v128']);
  return fn.callValue(ctx.helper('vsigmoid', buildSigmoid, ['v128']), [x], 'v128');
}

function buildTanh(fn: FnBuilder): void {
  const x = fn.param(0);
  const e = fn.local('v128'), ax = fn.local('v128'), t = fn.local('v128');
  // tanh|x| = 1 - 2 / (exp(2|x|) + 1), small |x| uses |x| - |x|^3/3; then the sign of x is restored.
  fn.finish([
    ax.set(fn.vabs(x.get())),
    e.set(fn.callValue('vexp', [fn.vmul(ax.get(), fn.vconst(2))], 'v128')),
    t.set(fn.vsub(fn.vconst(1), fn.vdiv(fn.vconst(2), fn.vadd(e.get(), fn.vconst(1))))),
    t.set(fn.vbitselect(
      fn.vmul(ax.get(), fn.vsub(fn.vconst(1), fn.vmul(fn.vmul(ax.get(), ax.get()), fn.vconst(1 / 3)))),
      t.get(), fn.vlt(ax.get(), fn.vconst(0.004)))),
    fn.return(fn.vbitselect(fn.vneg(t.get()), t.get(), fn.vlt(x.get(), fn.vzero()))),
  ], 'v128');
}

export function vtanh(ctx: HelperHost, fn: FnBuilder, x: Expr): Expr {
  ctx.helper('vexp', buildExp, ['v128']);
  return fn.callValue(ctx.helper('vtanh', buildTanh, ['v128']), [x], 'v128');
}

/**
 * erf(x) ≈ x·P(x²)/Q(x²) with |x| clamped to ERF_CLAMP (where erf rounds to 1 in float32): a
 * rational fit of degrees 5/5 in x² (max error 3.6e-7 over all floats, NaN kept). No exp and one
 * division: GELU's erf runs in GEMM epilogues of every transformer FFN, where the
 * Abramowitz–Stegun form with its exp cost ~20% of the FFN's first MatMul.
 */
function buildErf(fn: FnBuilder): void {
  fn.finish([fn.return(erfInline(fn, fn.param(0).get()))], 'v128');
}

/** erf(x) as one expression in the caller's function (its own locals): GEMM epilogues inline it rather than call. */
export function erfInline(fn: FnBuilder, x: Expr): Expr {
  const c = fn.local('v128'), u = fn.local('v128'), u2 = fn.local('v128'), u4 = fn.local('v128');
  // Estrin's scheme: (c0 + c1 u) + u²(c2 + c3 u) + u⁴(c4 + c5 u) is three FMAs deep instead of five.
  const pair = (k: readonly number[], i: number) => fn.fma(fn.vconst(k[i + 1]!), u.get(), fn.vconst(k[i]!));
  const poly = (k: readonly number[]) => fn.fma(pair(k, 4), u4.get(), fn.fma(pair(k, 2), u2.get(), pair(k, 0)));
  return fn.valueBlock([
    // pmin/pmax with the data first keep a NaN x and are one instruction each (activation.ts vclamp)
    c.set(fn.vpmax(fn.vpmin(x, fn.vconst(ERF_CLAMP)), fn.vconst(-ERF_CLAMP))),
    u.set(fn.vmul(c.get(), c.get())),
    u2.set(fn.vmul(u.get(), u.get())),
    u4.set(fn.vmul(u2.get(), u2.get())),
    fn.vpmax(fn.vpmin(fn.vdiv(fn.vmul(c.get(), poly(ERF_P)), poly(ERF_Q)), fn.vconst(1)), fn.vconst(-1)),
  ], 'v128');
}

/** The rational fit of erf (least squares on the relative error over [0, ERF_CLAMP], Sanathanan–Koerner iterations). */
export const ERF_CLAMP = 3.925;
export const ERF_P = [1.128379154371765, 0.18732362691095233, 0.052392356986732114, 0.00364771915038289, 0.0002847434040158456, 2.1067447747435963e-06] as const;
export const ERF_Q = [1, 0.49934419836774435, 0.1128816236682764, 0.014730728959195069, 0.0011386461717410312, 3.867120288118808e-05] as const;

export function verf(ctx: HelperHost, fn: FnBuilder, x: Expr): Expr {
  return fn.callValue(ctx.helper('verf', buildErf, ['v128']), [x], 'v128');
}
