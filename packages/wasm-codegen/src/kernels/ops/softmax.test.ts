import { describe, expect, it } from 'vitest';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

describe('Softmax kernel vs reference', () => {
  const cases: { dims: number[]; axis?: number; scale?: number }[] = [
    { dims: [1, 8, 17, 17] },
    { dims: [3, 7] },
    { dims: [1] },
    { dims: [7, 1], axis: 1 },
    { dims: [2, 3, 8], axis: -1, scale: 30 },
    { dims: [3, 17, 7], axis: 1 },
    { dims: [17, 3, 1], axis: 0 },
    { dims: [2, 5, 9], axis: 1, scale: 20 },
  ];
  for (const t of cases) {
    it(`[${t.dims}] axis ${t.axis ?? -1}${t.scale ? ` scale ${t.scale}` : ''}`, async () => {
      const s = t.scale ?? 3;
      const x = randomTensor('float32', t.dims, rng(t.dims.reduce((a, b) => a * 7 + b, 3)), -s, s);
      const { actual, expected } = await runKernel('Softmax', [{ tensor: x }], { axis: t.axis ?? -1 });
      const c = compareTensors(actual[0]!, expected[0]!, 1e-5, 1e-7);
      expect(c.ok, c.message).toBe(true);
    });
  }

  it('wide ranges, -Infinity and NaN entries (exp of x - max <= 0 underflows to 0, NaN propagates)', async () => {
    const x = randomTensor('float32', [4, 9], rng(5), -100, 100);
    const d = x.data as Float32Array;
    d[0] = -Infinity; d[10] = -Infinity; d[11] = -Infinity; d[27] = Number.NaN;
    for (const axis of [1, 0]) {
      const { actual, expected } = await runKernel('Softmax', [{ tensor: x }], { axis });
      const c = compareTensors(actual[0]!, expected[0]!, 1e-5, 1e-7);
      expect(c.ok, c.message).toBe(true);
    }
  });
});
