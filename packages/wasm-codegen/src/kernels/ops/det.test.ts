import { describe, expect, it } from 'vitest';
import { makeTensor } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

describe('Det kernel vs reference', () => {
  for (const dims of [[1, 1], [3, 3], [7, 7], [2, 3, 17, 17], [4, 2, 2]]) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`${dtype} [${dims}]`, async () => {
        const x = randomTensor(dtype, dims, rng(dims.reduce((a, b) => a * 7 + b, 11)));
        const { actual, expected } = await runKernel('Det', [{ tensor: x }]);
        const c = compareTensors(actual[0]!, expected[0]!, 1e-5, 1e-6);
        expect(c.ok, c.message).toBe(true);
      });
    }
  }

  it('singular matrices give 0 and row swaps flip the sign', async () => {
    const x = makeTensor('float32', [2, 3, 3], [1, 2, 3, 2, 4, 6, 0, 1, 1, /* swap needed */ 0, 1, 0, 1, 0, 0, 0, 0, 1]);
    const { actual } = await runKernel('Det', [{ tensor: x }]);
    expect(Array.from(actual[0]!.data as Float32Array)).toEqual([0, -1]);
  });
});
