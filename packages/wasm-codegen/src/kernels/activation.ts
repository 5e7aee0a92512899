// Fused activations as f32x4 expressions, shared by every kernel with an epilogue.
import { ActivationKind } from '@onnx2wasm/ir';
import { LowerContext } from '../lowering.js';
import { Expr, FnBuilder } from '../wasm-builder.js';
import { verf, vsigmoid, vtanh } from './math.js';

export interface EpilogueActivation { kind: ActivationKind | 'none'; params?: number[] }

/** Activations that call a shared helper (exp-based) and so need the lowering context. */
export function needsHelpers(a: EpilogueActivation): boolean {
  return ['sigmoid', 'silu', 'tanh', 'gelu', 'gelu_tanh'].includes(a.kind);
}

/** The activation applied to the vector `x` (a thunk: it may be read several times). */
export function emitActivation(ctx: LowerContext | undefined, fn: FnBuilder, a: EpilogueActivation, x: () => Expr): Expr {
  const [p0 = 0, p1 = 0] = a.params ?? [];
  const need = () => {
    if (!ctx) throw new Error(`activation '${a.kind}' needs the lowering context`);
    return ctx;
  };
  switch (a.kind) {
    case 'none': return x();
    case 'relu': return fn.vmax(x(), fn.vzero());
    case 'clip': return fn.vmin(fn.vmax(x(), fn.vconst(p0)), fn.vconst(p1));
    case 'leakyrelu': return fn.vadd(fn.vmax(x(), fn.vzero()), fn.vmul(fn.vconst(p0), fn.vmin(x(), fn.vzero())));
    case 'hardsigmoid': return fn.vmax(fn.vmin(fn.vadd(fn.vmul(x(), fn.vconst(p0)), fn.vconst(p1)), fn.vconst(1)), fn.vzero());
    case 'hardswish': return fn.vmul(x(), fn.vmax(fn.vmin(fn.vadd(fn.vmul(x(), fn.vconst(1 / 6)), fn.vconst(0.5)), fn.vconst(1)), fn.vzero()));
    case 'sigmoid': return vsigmoid(need(), fn, x());
    case 'silu': return fn.vmul(x(), vsigmoid(need(), fn, x()));
    case 'tanh': return vtanh(need(), fn, x());
    case 'gelu': return fn.vmul(fn.vmul(x(), fn.vconst(0.5)), fn.vadd(fn.vconst(1), verf(need(), fn, fn.vmul(x(), fn.vconst(Math.SQRT1_2)))));
    case 'gelu_tanh': {
      const inner = fn.vmul(fn.vconst(Math.sqrt(2 / Math.PI)), fn.vadd(x(), fn.vmul(fn.vconst(0.044715), fn.vmul(fn.vmul(x(), x()), x()))));
      return fn.vmul(fn.vmul(x(), fn.vconst(0.5)), fn.vadd(fn.vconst(1), vtanh(need(), fn, inner)));
    }
  }
}
