import { describe, expect, it } from 'vitest';
import { DType, makeTensor } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

const shape = (v: number[]) => ({ tensor: makeTensor('int64', [v.length], v), constant: true });

describe('Expand kernel vs reference', () => {
  const cases: { dims: number[]; shape: number[]; dtype?: DType; out: number[] }[] = [
    { dims: [3, 1], shape: [2, 1, 6], out: [2, 3, 6] },
    { dims: [3, 1], shape: [3, 4], out: [3, 4] },
    { dims: [1, 17], shape: [7, 1, 1], out: [7, 1, 17] },
    { dims: [7, 1, 3], shape: [7, 17, 3], dtype: 'int64', out: [7, 17, 3] },
    { dims: [1], shape: [3, 7], dtype: 'uint8', out: [3, 7] },
    { dims: [17, 1, 1], shape: [1, 3, 7], dtype: 'float16', out: [17, 3, 7] },
    { dims: [2, 3], shape: [1, 1], dtype: 'int32', out: [2, 3] },
    { dims: [0, 1], shape: [0, 3], out: [0, 3] },
  ];
  for (const t of cases) {
    it(`${t.dtype ?? 'float32'}[${t.dims}] to [${t.shape}]`, async () => {
      const x = randomTensor(t.dtype ?? 'float32', t.dims, rng(t.dims.length * 7 + t.shape.length), -50, 50);
      const { actual, expected } = await runKernel('Expand', [{ tensor: x }, shape(t.shape)]);
      expect(expected[0]!.dims).toEqual(t.out);
      const c = compareTensors(actual[0]!, expected[0]!, 0, 0);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
