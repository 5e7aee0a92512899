import { describe, expect, it } from 'vitest';
import { DType, makeTensor } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

describe('Split kernel vs reference', () => {
  const cases: { dims: number[]; axis: number; outputs: number; split?: number[]; dtype?: DType }[] = [
    { dims: [6], axis: 0, outputs: 3 },
    { dims: [7], axis: 0, outputs: 4 },
    { dims: [2, 8], axis: 1, outputs: 3, dtype: 'int64' },
    { dims: [3, 17, 7], axis: 1, outputs: 3, split: [1, 0, 16], dtype: 'uint8' },
    { dims: [17, 3], axis: -2, outputs: 2, split: [10, 7], dtype: 'float16' },
    { dims: [1, 7, 3], axis: 2, outputs: 1 },
    { dims: [0], axis: 0, outputs: 3, split: [0, 0, 0] },
  ];
  for (const t of cases) {
    it(`${t.dtype ?? 'float32'}[${t.dims}] axis ${t.axis} into ${t.split ? `[${t.split}]` : t.outputs}`, async () => {
      const x = randomTensor(t.dtype ?? 'float32', t.dims, rng(t.dims.length + t.outputs), -50, 50);
      const split = t.split ? { tensor: makeTensor('int64', [t.split.length], t.split), constant: true } : undefined;
      const { actual, expected } = await runKernel('Split', split ? [{ tensor: x }, split] : [{ tensor: x }], { axis: t.axis }, { outputs: t.outputs });
      expect(actual.length).toBe(t.outputs);
      actual.forEach((a, k) => {
        const c = compareTensors(a, expected[k]!, 0, 0);
        expect(c.ok, `output ${k}: ${c.message}`).toBe(true);
      });
    });
  }
});
