// Vectorized transcendental functions built from f32x4 arithmetic (wasm has no exp/erf).
// Each is a shared helper function `v128 -> v128`; scalar callers splat and take lane 0.
//
// Error bounds (measured against float64 over the stated range, see math.test.ts):
//   exp: relative error < 2e-7 for x in [-87, 88]; denormal results down to -103.97 (0 below),
//   +Inf above ln(FLT_MAX) = 88.72283, as onnxruntime and constant folding give (issue #19).
//   erf: absolute error < 2e-7 everywhere; relative error < 1e-6 for |x| < 0.5 (odd Taylor series).
//   sigmoid / tanh: derived from exp; absolute error < 3e-7.
import { HelperHost } from '../lowering.js';
import { Expr, FnBuilder, Local } from '../wasm-builder.js';

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

function buildErf(fn: FnBuilder): void {
  const x = fn.param(0);
  const ax = fn.local('v128'), t = fn.local('v128'), y = fn.local('v128'), x2 = fn.local('v128'), s = fn.local('v128');
  const P = 0.3275911, A = [0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429];
  const horner = (coeffs: number[], v: Expr, vGet: () => Expr) => {
    let acc = fn.vconst(coeffs[coeffs.length - 1]!);
    for (let i = coeffs.length - 2; i >= 0; i--) acc = fn.vadd(fn.vmul(acc, i === coeffs.length - 2 ? v : vGet()), fn.vconst(coeffs[i]!));
    return acc;
  };
  // Taylor coefficients of erf(x)/x in x^2 (2/sqrt(pi) * (-1)^n / (n! (2n+1)))
  const T = [1.1283791670955126, -0.37612638903183754, 0.11283791670955126, -0.026866170645131252, 0.005223977625442188, -0.0008548327023450852];
  fn.finish([
    ax.set(fn.vabs(x.get())),
    t.set(fn.vdiv(fn.vconst(1), fn.vadd(fn.vconst(1), fn.vmul(ax.get(), fn.vconst(P))))),
    // Abramowitz–Stegun 7.1.26: 1 - poly(t) * exp(-x^2)
    y.set(fn.vmul(horner(A, t.get(), () => t.get()), t.get())),
    y.set(fn.vsub(fn.vconst(1), fn.vmul(y.get(), fn.callValue('vexp', [fn.vneg(fn.vmul(ax.get(), ax.get()))], 'v128')))),
    y.set(fn.vbitselect(fn.vneg(y.get()), y.get(), fn.vlt(x.get(), fn.vzero()))),
    x2.set(fn.vmul(x.get(), x.get())),
    s.set(fn.vmul(horner(T, x2.get(), () => x2.get()), x.get())),
    fn.return(fn.vbitselect(s.get(), y.get(), fn.vlt(ax.get(), fn.vconst(0.5)))),
  ], 'v128');
}

export function verf(ctx: HelperHost, fn: FnBuilder, x: Expr): Expr {
  ctx.helper('vexp', buildExp, ['v128']);
  return fn.callValue(ctx.helper('verf', buildErf, ['v128']), [x], 'v128');
}
