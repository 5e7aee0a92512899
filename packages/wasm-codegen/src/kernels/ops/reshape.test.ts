import { describe, expect, it } from 'vitest';
import { DType, makeTensor } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

const shapeOf = (v: number[]) => ({ tensor: makeTensor('int64', [v.length], v), constant: true });

describe('Reshape-like kernels vs reference', () => {
  const cases: { op: string; dims: number[]; dtype: DType; extra?: number[]; attrs?: Record<string, number | number[]> }[] = [
    { op: 'Reshape', dims: [3, 7], dtype: 'float32', extra: [7, -1], attrs: { allowzero: 0 } },
    { op: 'Reshape', dims: [1, 17, 3], dtype: 'int64', extra: [0, -1], attrs: { allowzero: 0 } },
    { op: 'Reshape', dims: [2, 0, 3], dtype: 'float32', extra: [0, 3, 0], attrs: { allowzero: 1 } },
    { op: 'Flatten', dims: [2, 3, 7], dtype: 'uint8', attrs: { axis: 2 } },
    { op: 'Flatten', dims: [1, 17], dtype: 'float32', attrs: { axis: 0 } },
    { op: 'Squeeze', dims: [1, 7, 1, 3], dtype: 'int32', attrs: { axes: [0, -2] } },
    { op: 'Unsqueeze', dims: [7, 3], dtype: 'float32', attrs: { axes: [0, 3] } },
  ];
  for (const t of cases) {
    it(`${t.op} ${t.dtype}[${t.dims}] ${JSON.stringify(t.extra ?? t.attrs)}`, async () => {
      const x = randomTensor(t.dtype, t.dims, rng(t.dims.length * 31 + 1), -100, 100);
      const inputs = t.extra ? [{ tensor: x }, shapeOf(t.extra)] : [{ tensor: x }];
      const { actual, expected } = await runKernel(t.op, inputs, t.attrs ?? {});
      const c = compareTensors(actual[0]!, expected[0]!);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
