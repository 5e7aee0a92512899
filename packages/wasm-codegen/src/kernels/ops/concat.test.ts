import { describe, expect, it } from 'vitest';
import { DType } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

describe('Concat kernel vs reference', () => {
  const cases: { shapes: number[][]; axis: number; dtype: DType; constant?: number }[] = [
    { shapes: [[1, 3, 7, 7], [1, 17, 7, 7]], axis: 1, dtype: 'float32' },
    { shapes: [[3, 1], [3, 7], [3, 3]], axis: -1, dtype: 'float32', constant: 1 },
    { shapes: [[1], [1], [1]], axis: 0, dtype: 'int64' },
    { shapes: [[2, 7, 3], [2, 7, 3]], axis: 0, dtype: 'uint8' },
    { shapes: [[17, 0], [17, 3]], axis: 1, dtype: 'int32' },
  ];
  for (const t of cases) {
    it(`${t.dtype} ${JSON.stringify(t.shapes)} axis ${t.axis}`, async () => {
      const r = rng(t.shapes.length * 7 + t.axis);
      const inputs = t.shapes.map((s, k) => ({ tensor: randomTensor(t.dtype, s, r, -50, 50), constant: k === t.constant }));
      const { actual, expected } = await runKernel('Concat', inputs, { axis: t.axis });
      const c = compareTensors(actual[0]!, expected[0]!);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
