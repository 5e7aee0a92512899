import { describe, expect, it } from 'vitest';
import { DType, makeTensor } from '@onnx2wasm/ir';
import { KernelInput, compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

interface Case {
  name: string;
  q: number[]; kv: [number, number]; dv?: number;
  mask?: { dtype: DType; dims: number[] };
  nonpad?: number[];
  attrs?: Record<string, number>;
  qkMode?: number;
}

describe('Attention kernel vs reference', () => {
  const cases: Case[] = [
    { name: 'plain', q: [2, 3, 4, 8], kv: [3, 6] },
    { name: 'odd sizes, Dv != D', q: [1, 1, 7, 3], kv: [1, 17], dv: 5 },
    { name: 'grouped heads, scale', q: [2, 6, 3, 4], kv: [2, 5], attrs: { scale: 0.1 } },
    { name: 'float mask 2-D', q: [2, 3, 4, 8], kv: [3, 6], mask: { dtype: 'float32', dims: [4, 6] }, qkMode: 2 },
    { name: 'short bool mask, causal with offset', q: [1, 2, 3, 4], kv: [2, 7], mask: { dtype: 'bool', dims: [1, 2, 3, 5] }, attrs: { is_causal: 1, causal_offset: 2 } },
    { name: 'causal, softcap, score output after softcap', q: [2, 2, 5, 4], kv: [2, 5], attrs: { is_causal: 1, softcap: 2 }, qkMode: 1 },
    { name: 'nonpad with causal frontier, softmax output', q: [3, 2, 2, 8], kv: [1, 6], nonpad: [6, 3, 1], attrs: { is_causal: 1, causal_from_nonpad: 1 }, qkMode: 3 },
    { name: 'raw scores', q: [1, 1, 1, 17], kv: [1, 1], qkMode: 0, mask: { dtype: 'float32', dims: [1, 1] } },
    // Long enough to pack rows of Q and of the scores, keys not a multiple of the panel width.
    { name: 'packed operands, odd key count', q: [1, 2, 9, 64], kv: [1, 70], dv: 33 },
    { name: 'packed operands, grouped heads, causal', q: [2, 4, 6, 66], kv: [2, 67], dv: 40, attrs: { is_causal: 1 } },
  ];
  for (const t of cases) {
    it(t.name, async () => {
      const r = rng(t.q.reduce((a, b) => a * 7 + b, t.kv[1]));
      const [B, , , D] = t.q as [number, number, number, number];
      const [Hkv, T] = t.kv;
      const inputs: (KernelInput | undefined)[] = [
        { tensor: randomTensor('float32', t.q, r, -2, 2) },
        { tensor: randomTensor('float32', [B, Hkv, T, D], r, -2, 2) },
        { tensor: randomTensor('float32', [B, Hkv, T, t.dv ?? D], r) },
      ];
      if (t.mask) {
        const m = t.mask.dtype === 'bool' ? randomTensor('bool', t.mask.dims, () => (r() < 0.7 ? 0.9 : 0), 0, 1) : randomTensor('float32', t.mask.dims, r, -1, 1);
        if (t.mask.dtype === 'float32') (m.data as Float32Array)[1 % m.data.length] = -Infinity;
        inputs.push({ tensor: m });
      } else if (t.nonpad) inputs.push(undefined);
      if (t.nonpad) inputs.push({ tensor: makeTensor('int64', [B], t.nonpad) });
      const outputs = t.qkMode === undefined ? 1 : 2;
      const { actual, expected } = await runKernel('Attention', inputs, { scale: 1 / Math.sqrt(D), is_causal: 0, causal_offset: 0, causal_from_nonpad: 0, softcap: 0, qk_matmul_output_mode: t.qkMode ?? 0, ...t.attrs }, { outputs });
      for (let o = 0; o < outputs; o++) {
        const c = compareTensors(actual[o]!, expected[o]!, 1e-4, 1e-5);
        expect(c.ok, `output ${o}: ${c.message}`).toBe(true);
      }
    });
  }
});
