import { describe, it } from 'vitest';
import { Dim, Tensor, makeTensor } from '@onnx2wasm/ir';
import { checkDynamicKernel } from '../../testing/dynamic-harness.js';
import { NodeInput, randomTensor, rng } from '../../testing/kernel-harness.js';

const r = rng(31);
const f32 = (dims: number[], lo = -2, hi = 2) => randomTensor('float32', dims, r, lo, hi);
// The harness compares every output evaluate returns, so the score output is always requested.
const tol = { rtol: 1e-4, atol: 1e-5, outputs: 2 };
const inp = (shape: Dim[], dtype: NodeInput['dtype'] = 'float32'): NodeInput => ({ dtype, shape });
// (batch, query length, key length): increasing then decreasing, odd sizes, one larger.
const RUNS: [number, number, number][] = [[1, 1, 1], [2, 7, 7], [1, 33, 33], [1, 70, 130], [2, 3, 5], [1, 2, 9]];

function qkv(b: number, s: number, t: number, hq: number, hkv: number, d: number, dv = d): Tensor[] {
  return [f32([b, hq, s, d]), f32([b, hkv, t, d]), f32([b, hkv, t, dv])];
}

describe('Attention with run-time batch and sequence lengths vs reference', () => {
  it('plain, Dv != D', async () => {
    await checkDynamicKernel('Attention', [inp(['B', 2, 'S', 8]), inp(['B', 2, 'T', 8]), inp(['B', 2, 'T', 5])], { scale: 1 / Math.sqrt(8), is_causal: 0, causal_offset: 0, causal_from_nonpad: 0, softcap: 0, qk_matmul_output_mode: 0 },
      RUNS.map(([b, s, t]) => qkv(b, s, t, 2, 2, 8, 5)), tol);
  });

  it('grouped heads, causal, softcap, score output after softcap', async () => {
    await checkDynamicKernel('Attention', [inp(['B', 4, 'S', 4]), inp(['B', 2, 'T', 4]), inp(['B', 2, 'T', 4])],
      { scale: 1 / Math.sqrt(4), is_causal: 0, causal_offset: 0, causal_from_nonpad: 0, softcap: 0, qk_matmul_output_mode: 0, is_causal: 1, softcap: 2, qk_matmul_output_mode: 1 }, RUNS.map(([b, s, t]) => qkv(b, s, t, 4, 2, 4)), tol);
  });

  it('float mask [S, T] and score output after the mask', async () => {
    await checkDynamicKernel('Attention', [inp(['B', 2, 'S', 8]), inp(['B', 2, 'T', 8]), inp(['B', 2, 'T', 8]), inp(['S', 'T'])],
      { scale: 1 / Math.sqrt(8), is_causal: 0, causal_offset: 0, causal_from_nonpad: 0, softcap: 0, qk_matmul_output_mode: 0, qk_matmul_output_mode: 2 }, RUNS.map(([b, s, t]) => [...qkv(b, s, t, 2, 2, 8), f32([s, t], -1, 1)]), tol);
  });

  it('bool mask [B, 1, S, T] with causal offset', async () => {
    const bool = (dims: number[]) => randomTensor('bool', dims, () => (r() < 0.7 ? 0.9 : 0), 0, 1);
    await checkDynamicKernel('Attention', [inp(['B', 2, 'S', 4]), inp(['B', 2, 'T', 4]), inp(['B', 2, 'T', 4]), inp(['B', 1, 'S', 'T'], 'bool')],
      { scale: 1 / Math.sqrt(4), is_causal: 0, causal_offset: 0, causal_from_nonpad: 0, softcap: 0, qk_matmul_output_mode: 0, is_causal: 1, causal_offset: 2 }, RUNS.map(([b, s, t]) => [...qkv(b, s, t, 2, 2, 4), bool([b, 1, s, t])]), tol);
  });

  it('nonpad lengths with the causal frontier from nonpad, softmax output', async () => {
    const runs = RUNS.map(([b, s, t]) => [...qkv(b, s, t, 2, 1, 8), makeTensor('int64', [b], Array.from({ length: b }, (_, k) => Math.max(1, t - k)))]);
    await checkDynamicKernel('Attention', [inp(['B', 2, 'S', 8]), inp(['B', 1, 'T', 8]), inp(['B', 1, 'T', 8]), undefined, inp(['B'], 'int64')],
      { scale: 1 / Math.sqrt(8), is_causal: 0, causal_offset: 0, causal_from_nonpad: 0, softcap: 0, qk_matmul_output_mode: 0, is_causal: 1, causal_from_nonpad: 1, qk_matmul_output_mode: 3 }, runs, tol);
  });
});
