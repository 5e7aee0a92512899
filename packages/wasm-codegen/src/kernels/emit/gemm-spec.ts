// What a GEMM is asked to compute (gemm-core.ts emits it; gemm-rows.ts sweeps it in row blocks):
// a file of its own so that the two can share it without importing each other.
import type { HelperHost } from '../../lowering.js';
import type { Expr, I32 } from '../../wasm-builder.js';
import type { EpilogueActivation } from './activation.js';

/** A byte address: a constant, or a builder of a fresh expression (it is read more than once). */
export type Address = number | (() => Expr);

export interface GemmSpec {
  M: I32; N: I32; K: I32;
  /** A[i, k] is at a() + 4 * (i * aRowStride + k * aKStride). */
  a: () => Expr; aRowStride: I32; aKStride: I32;
  /**
   * B[k, j] is at b() + 4 * (k * bKStride + j), or, when `bPanelStride` is given, B is packed in
   * panels of PANEL columns (packB): B[k, j] at b() + 4 * ((j / PANEL) * bPanelStride + k * bKStride + j % PANEL).
   */
  b: () => Expr; bKStride: I32;
  /** Elements from one packed PANEL-column panel of B to the next (see packB); undefined: row-major B. */
  bPanelStride?: I32;
  /**
   * With static N and a packed B whose last N % PANEL columns are not a padded panel but a compact
   * row-major [K, N % PANEL] block (packB): that block's B[0, first tail column] and row stride.
   */
  bTail?: { b: () => Expr; kStride: number };
  /**
   * Scratch of aPackBytes(K) bytes: each full block of ROWS rows of A is first copied there
   * interleaved ([K][ROWS]), so the micro-kernel reads A as one sequential stream (rows of A a
   * power-of-two apart all map to one L1 set).
   */
  aPack?: Address;
  /** C[i, j] is at c() + 4 * (i * cRowStride + j). */
  c: () => Expr; cRowStride: I32;
  alpha?: number;
  /** Bias added after scaling: one value per row (conv channels), per column (Gemm) or one scalar, times `scale` (default 1). */
  bias?: { addr: Address; per: 'row' | 'col' | 'scalar'; scale?: number };
  /** A full [M, N] matrix added after the bias (residual), times `scale`; R[i, j] at r() + 4 * (i * rRowStride + j). */
  residual?: { r: () => Expr; rRowStride: I32; scale?: number };
  activation?: EpilogueActivation;
  /** Needed for activations built on shared helpers (sigmoid, tanh, gelu); only its `helper` is used. */
  ctx?: HelperHost;
}

