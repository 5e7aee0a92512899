// Cache blocking around the register-blocked GEMM (gemm-core.ts) for large convolution GEMMs.
// emitGemm walks the whole K for every (row block, column block); when K × N is large, the B
// panel it streams for each row block falls out of L1/L2 and the kernel waits on memory. Here the
// product is cut into column chunks of NC and depth chunks of KC, each an emitGemm call on a
// sub-matrix: the first depth chunk adds the bias and residual, later ones accumulate into C
// through emitGemm's residual input (R = C), and only the last applies the activation.
// K, N and the k strides must be static to block; a run-time M or row stride is read into a local
// once and every chunk's emitGemm gets a fresh read of it.
import { Expr, FnBuilder } from '../../wasm-builder.js';
import { GemmSpec, PANEL, emitGemm } from './gemm-core.js';
import { hoister } from './hoist.js';

export interface Blocking { kc: number; nc: number }

export const DEFAULT_BLOCKING: Blocking = { kc: 256, nc: 512 };

/** C = epilogue(A @ B) like emitGemm, cache-blocked; a per-column bias is not supported (rows only). */
export function emitBlockedGemm(fn: FnBuilder, spec: GemmSpec, blocking: Blocking = DEFAULT_BLOCKING): Expr[] {
  if (spec.bias?.per === 'col') throw new Error('emitBlockedGemm: a per-column bias is not supported');
  const kc = Math.max(4, blocking.kc), nc = Math.max(8, Math.floor(blocking.nc / 8) * 8);
  const { K, N, aKStride, bKStride, bPanelStride } = spec;
  if (typeof K !== 'number' || typeof N !== 'number' || typeof aKStride !== 'number' || typeof bKStride !== 'number' || (bPanelStride !== undefined && typeof bPanelStride !== 'number')) return emitGemm(fn, spec);
  if (K <= kc && N <= nc) return emitGemm(fn, spec);
  const pre: Expr[] = [];
  const fresh = hoister(fn, pre);
  const M = fresh(spec.M), aRow = fresh(spec.aRowStride), cRow = fresh(spec.cRowStride);
  const rRow = spec.residual ? fresh(spec.residual.rRowStride) : () => 0;
  const s = { ...spec, K, N, aKStride, bKStride };
  const j0 = fn.local('i32'), k0 = fn.local('i32');
  const alpha = s.alpha ?? 1;

  // One column chunk of `width` columns starting at j0 (a local, or the constant `at`).
  const columnChunk = (width: number, at: () => Expr): Expr[] => {
    // Column `at` (a multiple of nc, so of PANEL) starts at element `at`, or its panel when B is packed.
    const column = (): Expr | number => (s.bPanelStride === undefined ? at() : fn.mul(fn.divU(at(), PANEL), s.bPanelStride));
    const shiftB = (k: () => Expr | number) => () => fn.add(s.b(), fn.shl(fn.add(fn.mul(k(), s.bKStride), column()), 2));
    // A compact tail block (packB) is row-major: depth k starts k rows of its own width in.
    const tailAt = (k: () => Expr | number): Pick<GemmSpec, 'bTail'> => (s.bTail
      ? { bTail: { b: () => fn.add(s.bTail!.b(), fn.mul(k(), 4 * s.bTail!.kStride)), kStride: s.bTail.kStride } }
      : {});
    const cAt = () => fn.add(s.c(), fn.shl(at(), 2));
    const accumulate = () => ({ r: cAt, rRowStride: cRow() });
    const residual = () => s.residual && { r: () => fn.add(s.residual!.r(), fn.shl(at(), 2)), rRowStride: rRow(), scale: s.residual.scale };
    const depths = Math.ceil(s.K / kc);
    const base = (): GemmSpec => ({ ...s, M: M(), aRowStride: aRow(), cRowStride: cRow(), N: width, c: cAt, alpha });
    if (depths === 1) return emitGemm(fn, { ...base(), b: shiftB(() => 0), residual: residual() });
    const lastK = s.K - (depths - 1) * kc;
    const aAt = (k: () => Expr | number) => () => fn.add(s.a(), fn.shl(fn.mul(k(), s.aKStride), 2));
    const out: Expr[] = [];
    // First depth chunk: bias and the fused residual, no activation yet.
    out.push(...emitGemm(fn, { ...base(), K: kc, b: shiftB(() => 0), ...tailAt(() => 0), activation: undefined, residual: residual() }));
    // Middle chunks accumulate into C.
    if (depths > 2) {
      out.push(fn.for(k0, kc, (depths - 1) * kc, kc, emitGemm(fn, {
        ...base(), K: kc, a: aAt(() => k0.get()), b: shiftB(() => k0.get()), ...tailAt(() => k0.get()), bias: undefined, residual: accumulate(), activation: undefined,
      })));
    }
    // Last chunk accumulates and applies the activation.
    const lastAt = (depths - 1) * kc;
    out.push(...emitGemm(fn, { ...base(), K: lastK, a: aAt(() => lastAt), b: shiftB(() => lastAt), ...tailAt(() => lastAt), bias: undefined, residual: accumulate() }));
    return out;
  };

  const fullN = Math.floor(s.N / nc) * nc;
  const stmts: Expr[] = [...pre];
  if (fullN > 0) stmts.push(fn.for(j0, 0, fullN, nc, columnChunk(nc, () => j0.get())));
  if (fullN < s.N) stmts.push(...columnChunk(s.N - fullN, () => fn.i(fullN)));
  return stmts;
}
