import { describe, expect, it } from 'vitest';
import { DType } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

describe('Size kernel vs reference', () => {
  for (const [dtype, dims] of [['float32', [3, 7, 17]], ['int64', []], ['uint8', [1]], ['bool', [0, 3]]] as [DType, number[]][]) {
    it(`${dtype}[${dims}]`, async () => {
      const { actual, expected } = await runKernel('Size', [{ tensor: randomTensor(dtype, dims, rng(1), 0, 1) }]);
      const c = compareTensors(actual[0]!, expected[0]!, 0, 0);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
