// The order TopK sorts by, shared by the static (top-k.ts) and run-time (top-k-dynamic.ts) kernels.
import { KernelHost } from '../../lowering.js';
import { Expr } from '../../wasm-builder.js';
import { ScalarType } from './scalar-types.js';

/** Whether a sorts strictly before b. */
export function topKBefore(ctx: KernelHost, t: ScalarType, a: () => Expr, b: () => Expr, largest: boolean): Expr {
  const { fn } = ctx;
  if (!t.float) return fn.num(t.wasm, `${largest ? 'gt' : 'lt'}_${t.signed ? 's' : 'u'}`, a(), b());
  const nan = (v: () => Expr) => fn.num(t.wasm, 'ne', v(), v());
  const [first, second] = largest ? [a, b] : [b, a];
  // largest: a > b, or a is NaN and b is not; smallest: a < b, or b is NaN and a is not.
  return fn.or(fn.num(t.wasm, largest ? 'gt' : 'lt', a(), b()), fn.and(nan(first), fn.eqz(nan(second))));
}
