import { describe, expect, it } from 'vitest';
import { DType, makeTensor } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

describe('ReverseSequence kernel vs reference', () => {
  const cases: { dims: number[]; lens: number[]; time: number; dtype?: DType }[] = [
    { dims: [4, 4], lens: [4, 3, 2, 1], time: 1 },
    { dims: [4, 4], lens: [1, 2, 3, 4], time: 0 },
    { dims: [7, 3, 17], lens: [7, 0, 5], time: 0, dtype: 'int64' },
    { dims: [3, 17, 2], lens: [17, 1, 9], time: 1, dtype: 'uint8' },
    { dims: [17, 1], lens: [13], time: 0, dtype: 'float16' },
  ];
  for (const t of cases) {
    it(`${t.dtype ?? 'float32'}[${t.dims}] time_axis ${t.time} lens [${t.lens}]`, async () => {
      const x = randomTensor(t.dtype ?? 'float32', t.dims, rng(t.dims[0]! * 5), 0, 100);
      const lens = makeTensor('int64', [t.lens.length], t.lens);
      const { actual, expected } = await runKernel('ReverseSequence', [{ tensor: x }, { tensor: lens }], { time_axis: t.time, batch_axis: 1 - t.time });
      const c = compareTensors(actual[0]!, expected[0]!, 0, 0);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
