import { describe, expect, it } from 'vitest';
import { DType, ScatterReduction } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';
import { randomTuples } from '../../testing/random-indices.js';

describe('ScatterND kernel vs reference', () => {
  const cases: { dims: number[]; idx: number[]; it: 'int32' | 'int64'; dtype?: DType; reduction?: ScatterReduction }[] = [
    { dims: [4, 4, 4], idx: [2, 1], it: 'int64' },
    { dims: [4, 4, 4], idx: [2, 1], it: 'int64', reduction: 'mul' },
    { dims: [2, 2], idx: [2, 2], it: 'int64', reduction: 'max' },
    { dims: [7, 3, 17], idx: [5, 2], it: 'int32', dtype: 'uint8', reduction: 'add' },
    { dims: [3, 7, 17], idx: [3, 4, 3], it: 'int64', dtype: 'int64', reduction: 'min' },
    { dims: [17, 3], idx: [7, 1], it: 'int32', dtype: 'float16' },
    { dims: [17, 3], idx: [7, 1], it: 'int32', dtype: 'float64', reduction: 'add' },
  ];
  for (const t of cases) {
    it(`${t.reduction ?? 'none'} ${t.dtype ?? 'float32'}[${t.dims}] ${t.it}[${t.idx}]`, async () => {
      const dtype = t.dtype ?? 'float32';
      const x = randomTensor(dtype, t.dims, rng(t.dims.length * 3), 0, 9);
      const idx = randomTuples(t.it, t.idx, t.dims, t.idx.length * 5);
      const k = t.idx[t.idx.length - 1]!;
      const upd = randomTensor(dtype, [...t.idx.slice(0, -1), ...t.dims.slice(k)], rng(9), 0, 9);
      const attrs = { reduction: t.reduction ?? 'none' };
      const { actual, expected } = await runKernel('ScatterND', [{ tensor: x }, { tensor: idx }, { tensor: upd }], attrs);
      const c = compareTensors(actual[0]!, expected[0]!, 1e-6, 0);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
