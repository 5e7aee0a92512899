import { describe, expect, it } from 'vitest';
import { DType } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

describe('BitCast kernel vs reference', () => {
  const cases: [DType, DType, number[]][] = [
    ['float32', 'int32', [3, 7]],
    ['int32', 'float32', [17]],
    ['float64', 'int64', [1, 3]],
    ['int64', 'float64', [7]],
    ['uint16', 'int16', [2, 17]],
    ['int8', 'uint8', [1]],
    ['uint32', 'int32', []],
  ];
  for (const [from, to, dims] of cases) {
    it(`${from}[${dims}] -> ${to}`, async () => {
      const x = randomTensor(from, dims, rng(dims.length * 13 + 5), -100, 100);
      const { actual, expected } = await runKernel('BitCast', [{ tensor: x }], { to });
      expect(actual[0]!.dtype).toBe(to);
      const c = compareTensors(actual[0]!, expected[0]!);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
