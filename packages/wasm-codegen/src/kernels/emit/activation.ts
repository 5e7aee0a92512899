// Fused activations as f32x4 expressions, shared by every kernel with an epilogue. The kinds that
// are a function of the IR's elementwise table (relu, sigmoid, tanh, leakyrelu, hardsigmoid) take
// its f32x4 form from vector-functions.ts; the composite kinds are written here.
import { ActivationKind, ELEMENTWISE_FUNCTIONS } from '@onnx2wasm/ir';
import { HelperHost } from '../../lowering.js';
import { Expr, FnBuilder } from '../../wasm-builder.js';
import { erfInline, vsigmoid, vtanh } from './math.js';
import { F32_UNARY, vclamp } from './vector-functions.js';

/** Epilogue kind → the f32x4 form of the table function it is (the table's `epilogue` flag). */
const TABLE_KINDS = new Map(ELEMENTWISE_FUNCTIONS.flatMap((f) => (f.epilogue && F32_UNARY[f.id] ? [[f.epilogue, F32_UNARY[f.id]!] as const] : [])));

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
  const table = TABLE_KINDS.get(a.kind);
  if (table) return table(ctx, fn, [x], a.params ?? []);
  switch (a.kind) {
    case 'none': return x();
    case 'clip': return vclamp(fn, x(), p0, p1);
    case 'hardswish': return fn.vmul(x(), vclamp(fn, fn.vadd(fn.vmul(x(), fn.vconst(1 / 6)), fn.vconst(0.5)), 0, 1));
    case 'silu': return fn.vmul(x(), vsigmoid(need(), fn, x()));
    // inlined, not a helper call: a call inside a GEMM micro-kernel spills its accumulators
    case 'gelu': return fn.vmul(fn.vmul(x(), fn.vconst(0.5)), fn.vadd(fn.vconst(1), erfInline(fn, fn.vmul(x(), fn.vconst(Math.SQRT1_2)))));
    case 'gelu_tanh': {
      const inner = fn.vmul(fn.vconst(Math.sqrt(2 / Math.PI)), fn.vadd(x(), fn.vmul(fn.vconst(0.044715), fn.vmul(fn.vmul(x(), x()), x()))));
      return fn.vmul(fn.vmul(x(), fn.vconst(0.5)), fn.vadd(fn.vconst(1), vtanh(need(), fn, inner)));
    }
    default: throw new Error(`no f32x4 form for epilogue activation '${a.kind}'`);
  }
}
