// A tied embedding (GPT-2's `wte` = `lm_head`): exporters store the table [V, H] that Gather reads
// and its transpose [H, V] as the lm_head MatMul's B. Shipping the B panels too would double the
// largest weight of a language model, so instead the panels are built once at load time from the
// table (a region next to the other load-time data), and the weights file holds one copy.
import { Graph, Tensor } from '@onnx2wasm/ir';
import { Expr, FnBuilder } from './wasm-builder.js';
import { PANEL } from './kernels/emit/gemm-core.js';
import { packedTailOffset } from './kernels/emit/gemm-pack.js';

/** A MatMul B (by root value name) whose [K, N] data is the transpose of `source` [N, K], a constant another node reads. */
export interface TiedB { source: string; K: number; N: number }

/** The tied Bs of a graph: constant 2-D float32 MatMul Bs equal to the transpose of another constant that some other node reads. */
export function findTiedBs(g: Graph, rootOf: (v: string) => string): Map<string, TiedB> {
  const readers = new Map<string, number>();
  for (const n of g.nodes) for (const i of n.inputs) if (i) readers.set(rootOf(i), (readers.get(rootOf(i)) ?? 0) + 1);
  const byDims = new Map<string, string[]>();
  for (const [name, t] of g.constants) {
    if (t.dtype !== 'float32' || t.dims.length !== 2) continue;
    const key = t.dims.join('x');
    byDims.set(key, [...(byDims.get(key) ?? []), name]);
  }
  const tied = new Map<string, TiedB>();
  for (const n of g.nodes) {
    if (n.op !== 'MatMul' || !n.inputs[1]) continue;
    const b = rootOf(n.inputs[1]);
    const t = g.constants.get(b);
    if (!t || t.dtype !== 'float32' || t.dims.length !== 2 || tied.has(b)) continue;
    const [K, N] = t.dims as [number, number];
    // Only a table something else reads is shipped anyway; packing from an unused one would just move bytes.
    const source = (byDims.get(`${N}x${K}`) ?? []).find((s) => s !== b && (readers.get(s) ?? 0) > 0 && isTranspose(t, g.constants.get(s)!));
    if (source) tied.set(b, { source, K, N });
  }
  return tied;
}

/** Whether b [K, N] equals a [N, K] transposed, bit for bit (NaNs included). */
function isTranspose(b: Tensor, a: Tensor): boolean {
  const [K, N] = b.dims as [number, number];
  const bb = new Uint32Array(b.data.buffer, b.data.byteOffset, K * N), ab = new Uint32Array(a.data.buffer, a.data.byteOffset, K * N);
  for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) if (bb[k * N + j] !== ab[j * K + k]) return false;
  return true;
}

/**
 * packB's layout (gemm-pack.ts) of B = src^T, built from src [N, K] at byte address `src` into
 * `dst`: row n of src is column n of B, read sequentially and scattered down its panel (PANEL
 * floats apart) or down the compact tail block (N % PANEL floats apart).
 */
export function emitPackTransposed(fn: FnBuilder, src: number, dst: number, K: number, N: number): Expr[] {
  const full = Math.floor(N / PANEL), rest = N - full * PANEL;
  const p = fn.local('i32'), j = fn.local('i32'), k = fn.local('i32'), from = fn.local('i32'), to = fn.local('i32');
  const column = (stride: number): Expr => fn.for(k, 0, K, 1, [
    fn.storeF32(to.get(), fn.loadF32(from.get())),
    from.set(fn.add(from.get(), 4)),
    to.set(fn.add(to.get(), 4 * stride)),
  ]);
  const out: Expr[] = [from.set(fn.i(src))];
  if (full > 0) {
    out.push(fn.for(p, 0, full, 1, [
      fn.for(j, 0, PANEL, 1, [
        to.set(fn.add(fn.i(dst), fn.add(fn.mul(p.get(), 4 * K * PANEL), fn.shl(j.get(), 2)))),
        column(PANEL),
      ]),
    ]));
  }
  if (rest > 0) {
    out.push(fn.for(j, 0, rest, 1, [
      to.set(fn.add(fn.i(dst + 4 * packedTailOffset(K, N)), fn.shl(j.get(), 2))),
      column(rest),
    ]));
  }
  return out;
}
