import { describe, expect, it } from 'vitest';
import { DType, makeTensor } from '@onnx2wasm/ir';
import { KernelInput, compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

describe('Trilu kernel vs reference', () => {
  const cases: { dims: number[]; k?: number; upper: number; dtype?: DType; constK?: boolean }[] = [
    { dims: [4, 5], upper: 1 },
    { dims: [4, 5], k: -1, upper: 0, dtype: 'int64' },
    { dims: [3, 1, 5], upper: 0, k: -7 },
    { dims: [4, 5], k: 6, upper: 1 },
    { dims: [2, 3, 3], k: 2, upper: 0, dtype: 'uint8', constK: true },
    { dims: [7, 17], k: 3, upper: 1, dtype: 'float16' },
    { dims: [3, 17, 7], k: -2, upper: 1, dtype: 'int32' },
    { dims: [3, 0, 5], k: 1, upper: 0 },
    { dims: [1, 1], k: 2 ** 40, upper: 0 },
    { dims: [7, 3], k: -(2 ** 40), upper: 1 },
  ];
  for (const t of cases) {
    it(`${t.upper ? 'triu' : 'tril'} ${t.dtype ?? 'float32'}[${t.dims}] k=${t.k ?? 'none'}`, async () => {
      const x = randomTensor(t.dtype ?? 'float32', t.dims, rng(t.dims.length * 17), 1, 100);
      const inputs: KernelInput[] = [{ tensor: x }];
      if (t.k !== undefined) inputs.push({ tensor: makeTensor('int64', [], [t.k]), constant: t.constK });
      const { actual, expected } = await runKernel('Trilu', inputs, { upper: t.upper });
      const c = compareTensors(actual[0]!, expected[0]!, 0, 0);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
