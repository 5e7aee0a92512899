import { describe, expect, it } from 'vitest';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

describe('LayerNormalization kernel vs reference', () => {
  const cases: { dims: number[]; axis?: number; scale: number[]; bias?: number[] | null; constParams?: boolean; outputs?: number }[] = [
    { dims: [1, 17, 256], scale: [256], bias: [256], constParams: true },
    { dims: [3, 7], scale: [7], bias: [7] },
    { dims: [7, 3, 17], axis: 1, scale: [3, 17], bias: [17], constParams: true },
    { dims: [1, 1], scale: [1], bias: null },
    { dims: [2, 3, 5], axis: -2, scale: [1], bias: [5], constParams: true, outputs: 3 },
    { dims: [17, 3], axis: 0, scale: [17, 3], bias: null, outputs: 3 },
  ];
  for (const t of cases) {
    it(`[${t.dims}] axis ${t.axis ?? -1} scale [${t.scale}] bias ${t.bias ? `[${t.bias}]` : 'none'}`, async () => {
      const r = rng(t.dims.reduce((a, b) => a * 5 + b, 11));
      const x = randomTensor('float32', t.dims, r, -3, 5);
      const inputs = [{ tensor: x }, { tensor: randomTensor('float32', t.scale, r), constant: t.constParams }];
      if (t.bias) inputs.push({ tensor: randomTensor('float32', t.bias, r), constant: t.constParams });
      const { actual, expected } = await runKernel('LayerNormalization', inputs, { axis: t.axis ?? -1, epsilon: 1e-5 }, { outputs: t.outputs ?? 1 });
      for (let o = 0; o < (t.outputs ?? 1); o++) {
        const c = compareTensors(actual[o]!, expected[o]!, 1e-4, 1e-5);
        expect(c.ok, `output ${o}: ${c.message}`).toBe(true);
      }
    });
  }
});
