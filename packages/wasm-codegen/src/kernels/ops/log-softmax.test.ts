import { DType, makeTensor } from '@onnx2wasm/ir';
import { describe, expect, it } from 'vitest';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

describe('LogSoftmax kernel vs reference', () => {
  const shapes: { dims: number[]; axis: number }[] = [
    { dims: [3, 17], axis: -1 }, { dims: [7, 3], axis: 1 }, { dims: [17, 7], axis: 0 }, { dims: [2, 7, 9], axis: 1 },
    { dims: [3, 5, 3], axis: 1 }, { dims: [1], axis: 0 }, { dims: [4, 0], axis: 1 },
  ];
  for (const dtype of ['float32', 'float64', 'float16'] as DType[]) for (const s of shapes) {
    it(`${dtype} [${s.dims}] axis ${s.axis}`, async () => {
      const x = randomTensor(dtype, s.dims, rng(s.dims.reduce((a, b) => a * 5 + b, 2)), -4, 4);
      const { actual, expected } = await runKernel('LogSoftmax', [{ tensor: x }], { axis: s.axis });
      const c = compareTensors(actual[0]!, expected[0]!, dtype === 'float16' ? 2e-3 : 1e-5, dtype === 'float16' ? 4e-3 : 1e-5);
      expect(c.ok, c.message).toBe(true);
    });
  }
  it('large inputs stay finite', async () => {
    const x = makeTensor('float32', [2, 5], [1000, 1001, 999, 1000.5, 998, -1000, -999, -1001, -998, -1000.25]);
    for (const axis of [1, 0]) {
      const { actual, expected } = await runKernel('LogSoftmax', [{ tensor: x }], { axis });
      const c = compareTensors(actual[0]!, expected[0]!, 1e-5, 1e-4);
      expect(c.ok, c.message).toBe(true);
    }
  });
});
