// The register-blocked matrix multiply every matmul-like kernel shares (Gemm, MatMul, Conv):
//   C[i, j] = epilogue(alpha * sum_k A[i, k] * B[k, j])
// B rows are contiguous in j. A block of ROWS rows × VECS f32x4 columns of accumulators stays in
// locals across the whole k loop; A elements are splatted, B vectors loaded once per k and reused by
// every row. Tails (rows % ROWS, columns % 4) get smaller blocks of the same code; a partial last
// vector is stored lane by lane, and may read up to 12 bytes past the end of B (memory is padded).
import { LowerContext } from '../lowering.js';
import { Expr, FnBuilder, Local } from '../wasm-builder.js';
import { EpilogueActivation, emitActivation } from './activation.js';

export interface GemmSpec {
  M: number; N: number; K: number;
  /** A[i, k] is at a() + 4 * (i * aRowStride + k * aKStride). */
  a: () => Expr; aRowStride: number; aKStride: number;
  /** B[k, j] is at b() + 4 * (k * bKStride + j). */
  b: () => Expr; bKStride: number;
  /** C[i, j] is at c() + 4 * (i * cRowStride + j). */
  c: () => Expr; cRowStride: number;
  alpha?: number;
  /** Bias added after scaling: one value per row (conv channels), per column (Gemm) or one scalar, at a static address, times `scale` (default 1). */
  bias?: { addr: number; per: 'row' | 'col' | 'scalar'; scale?: number };
  /** A full [M, N] matrix added after the bias (residual), times `scale`; R[i, j] at r() + 4 * (i * rRowStride + j). */
  residual?: { r: () => Expr; rRowStride: number; scale?: number };
  activation?: EpilogueActivation;
  /** Needed for activations built on shared helpers (sigmoid, tanh, gelu). */
  ctx?: LowerContext;
}

const ROWS = 4;
const VECS = 2;

/** Emits the statements computing C for one (M, N, K) problem. */
export function emitGemm(fn: FnBuilder, s: GemmSpec): Expr[] {
  const i = fn.local('i32'), j = fn.local('i32');
  const pa = fn.local('i32'), pb = fn.local('i32'), k = fn.local('i32');
  const acc: Local[][] = Array.from({ length: ROWS }, () => Array.from({ length: VECS }, () => fn.local('v128')));
  const bv: Local[] = Array.from({ length: VECS }, () => fn.local('v128'));
  const av = fn.local('v128');
  const tmp = fn.local('v128');

  const block = (rows: number, vecs: number, lastLanes: number): Expr[] => {
    // rows × vecs accumulators; lastLanes < 4 means the last vector is partial.
    const out: Expr[] = [];
    for (let r = 0; r < rows; r++) for (let v = 0; v < vecs; v++) out.push(acc[r]![v]!.set(fn.vzero()));
    // pa walks A along k for row i; pb walks B along k at column j.
    out.push(pa.set(fn.add(s.a(), fn.shl(fn.mul(i.get(), s.aRowStride), 2))));
    out.push(pb.set(fn.add(s.b(), fn.shl(j.get(), 2))));
    const inner: Expr[] = [];
    for (let v = 0; v < vecs; v++) inner.push(bv[v]!.set(fn.vload(pb.get(), 16 * v)));
    for (let r = 0; r < rows; r++) {
      inner.push(av.set(fn.vloadSplat(pa.get(), 4 * r * s.aRowStride)));
      for (let v = 0; v < vecs; v++) inner.push(acc[r]![v]!.set(fn.fma(av.get(), bv[v]!.get(), acc[r]![v]!.get())));
    }
    inner.push(pa.set(fn.add(pa.get(), 4 * s.aKStride)));
    inner.push(pb.set(fn.add(pb.get(), 4 * s.bKStride)));
    out.push(fn.for(k, 0, s.K, 1, inner));
    for (let r = 0; r < rows; r++) {
      for (let v = 0; v < vecs; v++) {
        const lanes = v === vecs - 1 ? lastLanes : 4;
        out.push(...epilogue(fn, s, acc[r]![v]!, r, v, tmp));
        const addr = () => fn.add(s.c(), fn.shl(fn.add(fn.mul(fn.add(i.get(), r), s.cRowStride), fn.add(j.get(), 4 * v)), 2));
        if (lanes === 4) out.push(fn.vstore(addr(), acc[r]![v]!.get()));
        else for (let l = 0; l < lanes; l++) out.push(fn.vstoreLane(addr(), acc[r]![v]!.get(), l, 4 * l));
      }
    }
    return out;
  };

  // Column sweep for a row block of `rows` rows starting at i.
  const columns = (rows: number): Expr[] => {
    const fullBlocks = Math.floor(s.N / (4 * VECS)) * 4 * VECS;
    const rest = s.N - fullBlocks;
    const stmts: Expr[] = [fn.for(j, 0, fullBlocks, 4 * VECS, block(rows, VECS, 4))];
    if (rest > 0) {
      stmts.push(j.set(fn.i(fullBlocks)));
      stmts.push(fn.block(block(rows, Math.ceil(rest / 4), rest % 4 === 0 ? 4 : rest % 4)));
    }
    return stmts;
  };

  const fullRows = Math.floor(s.M / ROWS) * ROWS;
  const stmts: Expr[] = [fn.for(i, 0, fullRows, ROWS, columns(ROWS))];
  if (s.M > fullRows) {
    stmts.push(i.set(fn.i(fullRows)));
    stmts.push(...columns(s.M - fullRows));
  }
  return stmts;

  function epilogue(f: FnBuilder, spec: GemmSpec, a: Local, r: number, v: number, t: Local): Expr[] {
    const e: Expr[] = [];
    if (spec.alpha !== undefined && spec.alpha !== 1) e.push(a.set(f.vmul(a.get(), f.vconst(spec.alpha))));
    if (spec.bias) {
      const { per, addr, scale = 1 } = spec.bias;
      let b = per === 'row' ? f.vloadSplat(f.shl(f.add(i.get(), r), 2), addr)
        : per === 'scalar' ? f.vloadSplat(0, addr)
        : f.vload(f.shl(f.add(j.get(), 4 * v), 2), addr);
      if (scale !== 1) b = f.vmul(b, f.vconst(scale));
      e.push(a.set(f.vadd(a.get(), b)));
    }
    if (spec.residual) {
      const res = spec.residual;
      e.push(t.set(f.vload(f.add(res.r(), f.shl(f.add(f.mul(f.add(i.get(), r), res.rRowStride), f.add(j.get(), 4 * v)), 2)))));
      e.push(a.set(f.vadd(a.get(), res.scale !== undefined && res.scale !== 1 ? f.vmul(t.get(), f.vconst(res.scale)) : t.get())));
    }
    const act = spec.activation ?? { kind: 'none' };
    if (act.kind !== 'none') e.push(a.set(emitActivation(spec.ctx, f, act, () => a.get())));
    return e;
  }
}
