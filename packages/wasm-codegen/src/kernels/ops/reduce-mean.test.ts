import { describe, expect, it } from 'vitest';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

describe('ReduceMean kernel vs reference', () => {
  const cases: { dims: number[]; axes: number[]; keepdims?: number }[] = [
    { dims: [1, 17, 7, 7], axes: [2, 3], keepdims: 0 },
    { dims: [3, 17], axes: [-1] },
    { dims: [7, 3], axes: [] },
    { dims: [17, 7], axes: [0] },
    { dims: [3, 7, 17], axes: [1] },
    { dims: [3, 7, 5], axes: [1], keepdims: 0 },
    { dims: [2, 3, 5, 7], axes: [0, 2] },
    { dims: [7, 1, 3], axes: [1] },
    { dims: [1, 1], axes: [0, 1], keepdims: 0 },
  ];
  for (const t of cases) {
    it(`[${t.dims}] axes [${t.axes}] keepdims ${t.keepdims ?? 1}`, async () => {
      const x = randomTensor('float32', t.dims, rng(t.dims.reduce((a, b) => a * 3 + b, 5)), -2, 3);
      const { actual, expected } = await runKernel('ReduceMean', [{ tensor: x }], { axes: t.axes, keepdims: t.keepdims ?? 1, noop_with_empty_axes: 0 });
      const c = compareTensors(actual[0]!, expected[0]!, 1e-5, 1e-6);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
