import { describe, expect, it } from 'vitest';
import { DType, toNumbers } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

describe('RandomUniform kernel vs reference', () => {
  const cases: { dims: number[]; dtype: DType; low: number; high: number; seed: number }[] = [
    { dims: [1], dtype: 'float32', low: 0, high: 1, seed: 0 },
    { dims: [3, 7], dtype: 'float32', low: -2, high: 5, seed: 17 },
    { dims: [17], dtype: 'float64', low: 0, high: 1, seed: 3.5 },
    { dims: [7, 3], dtype: 'float16', low: 1, high: 2, seed: -4 },
  ];
  for (const t of cases) {
    it(`seeded ${t.dtype}[${t.dims}] in [${t.low}, ${t.high})`, async () => {
      const attrs = { dtype: t.dtype, shape: t.dims, low: t.low, high: t.high, seed: t.seed, nondeterministic: true };
      const { actual, expected } = await runKernel('RandomUniform', [], attrs);
      const c = compareTensors(actual[0]!, expected[0]!, 1e-6, 0);
      expect(c.ok, c.message).toBe(true);
      expect(actual[0]!.dims).toEqual(t.dims);
    });
  }
  it('the Like form takes its input shape; unseeded runs draw in range from a host seed', async () => {
    const like = randomTensor('float32', [17, 3], rng(1));
    const attrs = { dtype: 'float32', low: -1, high: 1, nondeterministic: true };
    const a = (await runKernel('RandomUniform', [{ tensor: like }], attrs)).actual[0]!;
    const b = (await runKernel('RandomUniform', [{ tensor: like }], attrs)).actual[0]!;
    expect(a.dims).toEqual([17, 3]);
    for (const v of [...toNumbers(a), ...toNumbers(b)]) expect(v >= -1 && v < 1).toBe(true);
    expect(toNumbers(a)).not.toEqual(toNumbers(b));
  });
});
