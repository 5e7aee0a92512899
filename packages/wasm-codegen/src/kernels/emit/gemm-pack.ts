// Packed B panels for emitGemm (gemm-core.ts): at compile time for constant weights (packB), at
// run time for activations used as B (emitPackPanels).
import { Tensor, makeTensor } from '@onnx2wasm/ir';
import { Expr, FnBuilder } from '../../wasm-builder.js';
import { GemmSpec, PANEL } from './gemm-core.js';

/**
 * A constant [K, N] float32 B in the packed layout emitGemm reads with bPanelStride = K * PANEL and
 * bKStride = PANEL: column panels of PANEL, each K contiguous rows of PANEL values, then the last
 * N % PANEL columns as a compact row-major [K, N % PANEL] block (GemmSpec.bTail, at element
 * packedTailOffset), so the packed weights are exactly as large as the matrix. A micro-kernel's B
 * reads are then one sequential stream instead of K rows N * 4 bytes apart (a power-of-two row
 * stride maps every row to the same L1 set).
 */
export function packB(t: Tensor): Tensor {
  const [K, N] = t.dims as [number, number];
  const full = Math.floor(N / PANEL), rest = N - full * PANEL;
  const out = makeTensor('float32', [K * N]);
  const src = t.data as Float32Array, dst = out.data as Float32Array;
  for (let p = 0; p < full; p++) {
    for (let k = 0; k < K; k++) dst.set(src.subarray(k * N + p * PANEL, k * N + (p + 1) * PANEL), (p * K + k) * PANEL);
  }
  const tail = packedTailOffset(K, N);
  for (let k = 0; k < K; k++) dst.set(src.subarray(k * N + full * PANEL, (k + 1) * N), tail + k * rest);
  return out;
}

/** Where packB puts the compact tail block (elements from the start). */
export const packedTailOffset = (K: number, N: number): number => Math.floor(N / PANEL) * K * PANEL;

/** The GemmSpec fields for a constant B packed by packB at byte address `addr`. */
export function packedB(fn: FnBuilder, addr: number, K: number, N: number): Pick<GemmSpec, 'b' | 'bKStride' | 'bPanelStride' | 'bTail'> {
  const rest = N % PANEL;
  return {
    b: () => fn.i(addr), bKStride: PANEL, bPanelStride: K * PANEL,
    ...(rest ? { bTail: { b: () => fn.i(addr + 4 * packedTailOffset(K, N)), kStride: rest } } : {}),
  };
}

/** Bytes of the panels emitPackPanels writes for a [K, N] B. */
export const packedBytes = (K: number, N: number): number => Math.ceil(N / PANEL) * K * PANEL * 4;

/**
 * Emits the run-time form of packB: the [K, N] float32 matrix at src (rows srcRowBytes apart) →
 * panels at dst. Full panels move as two vectors per row; a partial last panel is zero-filled and
 * copied element by element, so no read goes past the matrix.
 */
export function emitPackPanels(fn: FnBuilder, src: () => Expr, srcRowBytes: number, K: number, N: number, dst: number): Expr[] {
  const p = fn.local('i32'), k = fn.local('i32'), from = fn.local('i32'), to = fn.local('i32');
  const full = Math.floor(N / PANEL), rest = N - full * PANEL;
  const out: Expr[] = [to.set(fn.i(dst))];
  if (full > 0) {
    out.push(fn.for(p, 0, full, 1, [
      from.set(fn.add(src(), fn.mul(p.get(), 4 * PANEL))),
      fn.for(k, 0, K, 1, [
        fn.vstore(to.get(), fn.vload(from.get())),
        fn.vstore(to.get(), fn.vload(from.get(), 16), 16),
        from.set(fn.add(from.get(), srcRowBytes)),
        to.set(fn.add(to.get(), 4 * PANEL)),
      ]),
    ]));
  }
  if (rest > 0) {
    const copy: Expr[] = [fn.vstore(to.get(), fn.vzero()), fn.vstore(to.get(), fn.vzero(), 16)];
    for (let c = 0; c < rest; c++) copy.push(fn.storeF32(to.get(), fn.loadF32(from.get(), 4 * c), 4 * c));
    out.push(from.set(fn.add(src(), 4 * PANEL * full)), fn.for(k, 0, K, 1, [...copy, from.set(fn.add(from.get(), srcRowBytes)), to.set(fn.add(to.get(), 4 * PANEL))]));
  }
  return out;
}
