import { describe, expect, it } from 'vitest';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

describe('RMSNormalization kernel vs reference', () => {
  const cases: { dims: number[]; axis?: number; scale: number[]; constScale?: boolean; epsilon?: number }[] = [
    { dims: [1, 17, 64], scale: [64], constScale: true },
    { dims: [3, 7], scale: [7] },
    { dims: [7, 3, 17], axis: 1, scale: [3, 17], epsilon: 0.1 },
    { dims: [2, 3, 5], axis: -2, scale: [1], constScale: true },
    { dims: [1, 1], scale: [1] },
    { dims: [17, 3], axis: 0, scale: [17, 3], constScale: true },
  ];
  for (const t of cases) {
    it(`[${t.dims}] axis ${t.axis ?? -1} scale [${t.scale}]`, async () => {
      const r = rng(t.dims.reduce((a, b) => a * 5 + b, 3));
      const inputs = [{ tensor: randomTensor('float32', t.dims, r, -3, 5) }, { tensor: randomTensor('float32', t.scale, r), constant: t.constScale }];
      const { actual, expected } = await runKernel('RMSNormalization', inputs, { axis: t.axis ?? -1, epsilon: t.epsilon ?? 1e-5 });
      const c = compareTensors(actual[0]!, expected[0]!, 1e-4, 1e-5);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
