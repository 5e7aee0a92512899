// One row times a packed constant B (a decode step's projections and lm_head): emitGemm's
// micro-kernel has VECS accumulators per row, so with one row each k step waits on the previous
// FMA of the same two chains and the kernel is bound by that latency, not by reading B. Here two
// panels and two k steps run at once (eight independent accumulators), and B is still read as
// sequential panel streams. Same epilogue as emitGemm for what a projection has: a per-column
// bias, a residual and an activation.
import { StaticContext } from '../../lowering.js';
import { Expr, FnBuilder } from '../../wasm-builder.js';
import { emitActivation } from './activation.js';
import { GemmSpec, PANEL, emitGemm, memAt } from './gemm-core.js';

/** Whether emitGemv handles the spec: one static row, contiguous A, B packed by packB (tail block included), no scaling. */
export function gemvApplies(s: GemmSpec): boolean {
  return s.M === 1 && typeof s.K === 'number' && typeof s.N === 'number' && s.K > 0 && s.N >= 2 * PANEL && s.aKStride === 1
    && s.bPanelStride === s.K * PANEL && s.bKStride === PANEL && (s.N % PANEL === 0 || s.bTail !== undefined)
    && (s.alpha ?? 1) === 1 && (!s.bias || (s.bias.per === 'col' && (s.bias.scale ?? 1) === 1)) && (s.residual?.scale ?? 1) === 1;
}

/** emitGemv when it applies, else emitGemm. */
export function emitGemmOrGemv(fn: FnBuilder, s: GemmSpec): Expr[] {
  return gemvApplies(s) ? emitGemv(fn, s) : emitGemm(fn, s);
}

/** C[0, :] = epilogue(A[0, :] @ B) for a spec gemvApplies accepts. */
export function emitGemv(fn: FnBuilder, s: GemmSpec): Expr[] {
  const K = s.K as number, N = s.N as number;
  const full = Math.floor(N / PANEL), rest = N - full * PANEL;
  const panelBytes = 4 * K * PANEL;
  const x = fn.local('i32'), bp = fn.local('i32'), k = fn.local('i32'), j = fn.local('i32');
  const xe = fn.local('v128'), xo = fn.local('v128'), v = fn.local('v128');
  const acc = Array.from({ length: 8 }, () => fn.local('v128'));

  /** `panels` panels from column j (bp at its first panel): nv = 2 * panels vectors, even k in acc[0..nv), odd k in acc[nv..2nv). */
  const block = (panels: number): Expr[] => {
    const nv = 2 * panels;
    const step = (xs: () => Expr, into: number, kOff: number): Expr[] => Array.from({ length: nv }, (_, w) =>
      acc[into + w]!.set(fn.fma(xs(), fn.vload(bp.get(), (w >> 1) * panelBytes + kOff + (w & 1) * 16), acc[into + w]!.get())));
    const out: Expr[] = [...acc.slice(0, 2 * nv).map((a) => a.set(fn.vzero())), x.set(s.a())];
    const K2 = K - (K % 2);
    if (K2 > 0) {
      out.push(fn.for(k, 0, K2, 2, [
        xe.set(fn.vloadSplat(x.get())), xo.set(fn.vloadSplat(x.get(), 4)),
        ...step(() => xe.get(), 0, 0), ...step(() => xo.get(), nv, 4 * PANEL),
        x.set(fn.add(x.get(), 8)), bp.set(fn.add(bp.get(), 8 * PANEL)),
      ]));
    }
    if (K2 < K) out.push(xe.set(fn.vloadSplat(x.get())), ...step(() => xe.get(), 0, 0));
    for (let w = 0; w < nv; w++) {
      const col = (w >> 1) * PANEL + (w & 1) * 4;
      out.push(v.set(fn.vadd(acc[w]!.get(), acc[nv + w]!.get())));
      out.push(...epilogue(col));
    }
    return out;
  };
  /** Bias, residual and activation of the vector in `v` at column j + col, then its store. */
  const epilogue = (col: number): Expr[] => {
    const colBytes = () => fn.shl(fn.add(j.get(), col), 2);
    const e: Expr[] = [];
    if (s.bias) e.push(v.set(fn.vadd(v.get(), fn.vload(...memAt(fn, s.bias.addr, colBytes())))));
    if (s.residual) e.push(v.set(fn.vadd(v.get(), fn.vload(fn.add(s.residual.r(), colBytes())))));
    if (s.activation && s.activation.kind !== 'none') e.push(v.set(emitActivation(s.ctx as StaticContext | undefined, fn, s.activation, () => v.get())));
    e.push(fn.vstore(fn.add(s.c(), colBytes()), v.get()));
    return e;
  };

  const pairs = Math.floor(full / 2);
  const out: Expr[] = [];
  if (pairs > 0) {
    out.push(fn.for(j, 0, pairs * 2 * PANEL, 2 * PANEL, [
      bp.set(fn.add(s.b(), fn.mul(fn.divU(j.get(), PANEL), panelBytes))),
      ...block(2),
    ]));
  }
  if (full % 2) out.push(j.set(fn.i((full - 1) * PANEL)), bp.set(fn.add(s.b(), (full - 1) * panelBytes)), ...block(1));
  if (rest > 0) out.push(...tail(fn, s, K, full * PANEL, rest));
  return out;
}

/** The last N % PANEL columns from packB's compact [K, rest] block, one scalar dot product each, then the epilogue. */
function tail(fn: FnBuilder, s: GemmSpec, K: number, first: number, rest: number): Expr[] {
  const k = fn.local('i32'), x = fn.local('i32'), t = fn.local('i32'), sum = fn.local('f32'), v = fn.local('v128');
  const out: Expr[] = [];
  for (let c = 0; c < rest; c++) {
    out.push(sum.set(fn.f32(0)), x.set(s.a()), t.set(fn.add(s.bTail!.b(), 4 * c)),
      fn.for(k, 0, K, 1, [
        sum.set(fn.fadd(sum.get(), fn.fmul(fn.loadF32(x.get()), fn.loadF32(t.get())))),
        x.set(fn.add(x.get(), 4)), t.set(fn.add(t.get(), 4 * rest)),
      ]));
    let y: Expr = sum.get();
    if (s.bias) y = fn.fadd(y, fn.loadF32(...memAt(fn, s.bias.addr, fn.i(4 * (first + c)))));
    if (s.residual) y = fn.fadd(y, fn.loadF32(s.residual.r(), 4 * (first + c)));
    if (s.activation && s.activation.kind !== 'none') {
      // the vector activation on a splat, lane 0 kept: one code path for every activation
      out.push(sum.set(y), v.set(emitActivation(s.ctx as StaticContext | undefined, fn, s.activation, () => fn.vsplat(sum.get()))));
      y = fn.vextract(v.get(), 0);
    }
    out.push(fn.storeF32(s.c(), y, 4 * (first + c)));
  }
  return out;
}
