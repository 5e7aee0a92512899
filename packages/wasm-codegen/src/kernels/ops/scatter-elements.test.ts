import { describe, expect, it } from 'vitest';
import { DType, ScatterReduction } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';
import { randomIndices } from '../../testing/random-indices.js';

describe('ScatterElements kernel vs reference', () => {
  const cases: { dims: number[]; idx: number[]; axis: number; it: 'int32' | 'int64'; dtype?: DType; reduction?: ScatterReduction }[] = [
    { dims: [1, 5], idx: [1, 2], axis: 1, it: 'int64' },
    { dims: [3, 3], idx: [2, 3], axis: 0, it: 'int64', reduction: 'add' },
    { dims: [7, 17], idx: [7, 3], axis: 1, it: 'int32', dtype: 'int64', reduction: 'mul' },
    { dims: [3, 7, 17], idx: [2, 7, 5], axis: -2, it: 'int64', dtype: 'uint8', reduction: 'max' },
    { dims: [17], idx: [7], axis: 0, it: 'int32', dtype: 'int8', reduction: 'min' },
    { dims: [7, 3], idx: [17, 3], axis: 0, it: 'int64', dtype: 'float16', reduction: 'max' },
    { dims: [7, 3], idx: [17, 3], axis: 0, it: 'int64', dtype: 'float64', reduction: 'add' },
    { dims: [3, 7], idx: [3, 17], axis: 1, it: 'int64', dtype: 'bool' },
  ];
  for (const t of cases) {
    it(`${t.reduction ?? 'none'} ${t.dtype ?? 'float32'}[${t.dims}] ${t.it}[${t.idx}] axis ${t.axis}`, async () => {
      const dtype = t.dtype ?? 'float32';
      const x = randomTensor(dtype, t.dims, rng(t.dims.length * 13), 0, 9);
      const axis = t.axis < 0 ? t.axis + t.dims.length : t.axis;
      const idx = randomIndices(t.it, t.idx, t.dims[axis]!, t.idx.length * 7 + axis);
      const upd = randomTensor(dtype, t.idx, rng(5), 0, 9);
      const attrs = { axis: t.axis, reduction: t.reduction ?? 'none' };
      const { actual, expected } = await runKernel('ScatterElements', [{ tensor: x }, { tensor: idx }, { tensor: upd }], attrs);
      const c = compareTensors(actual[0]!, expected[0]!, 1e-6, 0);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
