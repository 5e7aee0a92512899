import { describe, expect, it } from 'vitest';
import { DType, makeTensor } from '@onnx2wasm/ir';
import { compareTensors, runKernel } from '../../testing/kernel-harness.js';

// The length comes from the inputs' values, so they are constants; the kernel still reads
// start and delta from memory.
describe('Range kernel vs reference', () => {
  const cases: { dtype: DType; start: number; limit: number; delta: number; n: number }[] = [
    { dtype: 'float32', start: 1, limit: 5, delta: 2, n: 2 },
    { dtype: 'float32', start: 0.5, limit: -3.2, delta: -0.2, n: 19 },
    { dtype: 'int32', start: 10, limit: 6, delta: -3, n: 2 },
    { dtype: 'int64', start: -7, limit: 10, delta: 1, n: 17 },
    { dtype: 'int16', start: 3, limit: 4, delta: 5, n: 1 },
    { dtype: 'float64', start: 0, limit: 1, delta: 1 / 7, n: 7 },
    { dtype: 'float16', start: 1, limit: 2, delta: 0.25, n: 4 },
    { dtype: 'int32', start: 5, limit: 5, delta: 1, n: 0 },
  ];
  for (const t of cases) {
    it(`${t.dtype} range(${t.start}, ${t.limit}, ${t.delta})`, async () => {
      const s = (v: number) => ({ tensor: makeTensor(t.dtype, [], [v]), constant: true });
      const { actual, expected } = await runKernel('Range', [s(t.start), s(t.limit), s(t.delta)]);
      expect(expected[0]!.dims).toEqual([t.n]);
      const c = compareTensors(actual[0]!, expected[0]!, 1e-6, 1e-6);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
