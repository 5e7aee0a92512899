import { describe, expect, it } from 'vitest';
import { Attrs, DType } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

describe('EyeLike kernel vs reference', () => {
  const cases: { dims: [number, number]; k?: number; dtype?: DType; to?: DType }[] = [
    { dims: [4, 4] },
    { dims: [4, 5], k: 1, to: 'float32', dtype: 'int32' },
    { dims: [3, 4], to: 'float64', dtype: 'int32' },
    { dims: [17, 7], k: -3, to: 'float16' },
    { dims: [7, 17], k: 20, to: 'int64' },
    { dims: [3, 7], k: -2, to: 'bool' },
    { dims: [1, 1], to: 'uint8' },
  ];
  for (const t of cases) {
    it(`${t.dtype ?? 'float32'}[${t.dims}] k=${t.k ?? 0} → ${t.to ?? 'same'}`, async () => {
      const x = randomTensor(t.dtype ?? 'float32', t.dims, rng(3));
      const attrs: Attrs = { k: t.k ?? 0 };
      attrs.dtype = t.to ?? x.dtype;
      const { actual, expected } = await runKernel('EyeLike', [{ tensor: x }], attrs);
      const c = compareTensors(actual[0]!, expected[0]!, 0, 0);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
