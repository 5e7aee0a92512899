// Fused activations as f32x4 expressions, shared by every kernel with an epilogue.
import { ActivationKind } from '@onnx2wasm/ir';
import { HelperHost } from '../../lowering.js';
import { Expr, FnBuilder } from '../../wasm-builder.js';
import { erfInline, vsigmoid, vtanh } from './math.js';

export interface EpilogueActivation { kind: ActivationKind | 'none'; params?: number[] }

/** Activations that call a shared helper (exp-based) and so need the lowering context. */
export function needsHelpers(a: EpilogueActivation): boolean {
  return ['sigmoid', 'silu', 'tanh', 'gelu_tanh'].includes(a.kind);
}

/** The activation applied to the vector `x` (a thunk: it may be read several times). */
export function emitActivation(ctx: HelperHost | undefined, fn: FnBuilder, a: EpilogueActivation, x: () => Expr): Expr {
  const [p0 = 0, p1 = 0] = a.params ?? [];
  const need = () => {
    if (!ctx) throw new Error(`activation '${a.kind}' needs the lowering context`);
    return ctx;
  };
  switch (a.kind) {
    case 'none': return x();
    case 'relu': return vrelu(fn, x());
    case 'clip': return vclamp(fn, x(), p0, p1);
    case 'leakyrelu': return fn.vbitselect(fn.vmul(x(), fn.vconst(p0)), x(), fn.vlt(x(), fn.vzero()));
    case 'hardsigmoid': return vclamp(fn, fn.vadd(fn.vmul(x(), fn.vconst(p0)), fn.vconst(p1)), 0, 1);
    case 'hardswish': return fn.vmul(x(), vclamp(fn, fn.vadd(fn.vmul(x(), fn.vconst(1 / 6)), fn.vconst(0.5)), 0, 1));
    case 'sigmoid': return vsigmoid(need(), fn, x());
    case 'silu': return fn.vmul(x(), vsigmoid(need(), fn, x()));
    case 'tanh': return vtanh(need(), fn, x());
    // inlined, not a helper call: a call inside a GEMM micro-kernel spills its accumulators
    case 'gelu': return fn.vmul(fn.vmul(x(), fn.vconst(0.5)), fn.vadd(fn.vconst(1), erfInline(fn, fn.vmul(x(), fn.vconst(Math.SQRT1_2)))));
    case 'gelu_tanh': {
      const inner = fn.vmul(fn.vconst(Math.sqrt(2 / Math.PI)), fn.vadd(x(), fn.vmul(fn.vconst(0.044715), fn.vmul(fn.vmul(x(), x()), x()))));
      return fn.vmul(fn.vmul(x(), fn.vconst(0.5)), fn.vadd(fn.vconst(1), vtanh(need(), fn, inner)));
    }
  }
}

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
