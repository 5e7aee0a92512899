import { describe, expect, it } from 'vitest';
import { DType } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';
import { randomTuples } from '../../testing/random-indices.js';

describe('GatherND kernel vs reference', () => {
  const cases: { dims: number[]; idx: number[]; b?: number; it: 'int32' | 'int64'; dtype?: DType }[] = [
    { dims: [2, 2], idx: [2, 2], it: 'int64', dtype: 'int32' },
    { dims: [2, 2, 2], idx: [2, 1, 2], it: 'int64' },
    { dims: [2, 2, 2], idx: [2, 1], b: 1, it: 'int64', dtype: 'int32' },
    { dims: [7, 3, 17], idx: [5, 1], it: 'int32', dtype: 'uint8' },
    { dims: [3, 7, 17], idx: [3, 4, 2], b: 1, it: 'int64', dtype: 'int64' },
    { dims: [3, 7, 17], idx: [3, 7, 1], b: 2, it: 'int32', dtype: 'float16' },
    { dims: [17], idx: [1], it: 'int64' },
  ];
  for (const t of cases) {
    it(`${t.dtype ?? 'float32'}[${t.dims}] ${t.it}[${t.idx}] batch_dims ${t.b ?? 0}`, async () => {
      const x = randomTensor(t.dtype ?? 'float32', t.dims, rng(t.dims.length * 3), 0, 100);
      const idx = randomTuples(t.it, t.idx, t.dims.slice(t.b ?? 0), t.idx.length * 5);
      const { actual, expected } = await runKernel('GatherND', [{ tensor: x }, { tensor: idx }], { batch_dims: t.b ?? 0 });
      const c = compareTensors(actual[0]!, expected[0]!, 0, 0);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
