import { DType, makeTensor } from '@onnx2wasm/ir';
import { describe, expect, it } from 'vitest';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

describe('Hardmax kernel vs reference', () => {
  const shapes: { dims: number[]; axis: number }[] = [
    { dims: [3, 17], axis: -1 }, { dims: [17, 7], axis: 0 }, { dims: [2, 7, 3], axis: 1 }, { dims: [1, 1], axis: 1 }, { dims: [3, 0, 5], axis: 2 },
  ];
  for (const dtype of ['float32', 'float64', 'float16'] as DType[]) for (const s of shapes) {
    it(`${dtype} [${s.dims}] axis ${s.axis}`, async () => {
      const x = randomTensor(dtype, s.dims, rng(s.dims.reduce((a, b) => a * 5 + b, 1)));
      const { actual, expected } = await runKernel('Hardmax', [{ tensor: x }], { axis: s.axis });
      const c = compareTensors(actual[0]!, expected[0]!, 0, 0);
      expect(c.ok, c.message).toBe(true);
    });
  }
  it('ties go to the first maximum', async () => {
    const x = makeTensor('float32', [2, 4], [1, 3, 3, 0, 2, 2, 2, 2]);
    const { actual } = await runKernel('Hardmax', [{ tensor: x }], { axis: 1 });
    expect(Array.from(actual[0]!.data as Float32Array)).toEqual([0, 1, 0, 0, 1, 0, 0, 0]);
  });
});
