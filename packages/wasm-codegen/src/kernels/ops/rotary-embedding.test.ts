import { describe, expect, it } from 'vitest';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

describe('RotaryEmbedding kernel vs reference', () => {
  const cases: { x: number[]; R: number; attrs?: Record<string, number> }[] = [
    { x: [2, 4, 3, 8], R: 4 },
    { x: [2, 4, 3, 8], R: 4, attrs: { interleaved: 1 } },
    { x: [1, 3, 7, 17 * 2], R: 9, attrs: { rotary_embedding_dim: 18 } },
    { x: [3, 1, 5, 12], R: 3, attrs: { interleaved: 1, rotary_embedding_dim: 6 } },
    { x: [2, 3, 3 * 10], R: 5, attrs: { num_heads: 3 } },
    { x: [1, 7, 2 * 16], R: 4, attrs: { num_heads: 2, rotary_embedding_dim: 8, interleaved: 1 } },
  ];
  for (const t of cases) {
    it(`[${t.x}] ${JSON.stringify(t.attrs ?? {})}`, async () => {
      const r = rng(t.x.reduce((a, b) => a * 3 + b, t.R));
      const [B, S] = t.x.length === 4 ? [t.x[0]!, t.x[2]!] : [t.x[0]!, t.x[1]!];
      const inputs = [
        { tensor: randomTensor('float32', t.x, r, -2, 2) },
        { tensor: randomTensor('float32', [B, S, t.R], r) },
        { tensor: randomTensor('float32', [B, S, t.R], r) },
      ];
      const { actual, expected } = await runKernel('RotaryEmbedding', inputs, { interleaved: 0, num_heads: 0, rotary_embedding_dim: 0, ...t.attrs });
      const c = compareTensors(actual[0]!, expected[0]!, 1e-5, 1e-6);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
