import { describe, expect, it } from 'vitest';
import { DType } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

// The 8-bit MaxPool kernel against the reference: strides 1 and 2, pads (the border never wins,
// even over the type's minimum), dilation, rows that are not a multiple of 16, int8 and uint8.
describe('MaxPool on 8-bit data vs reference', () => {
  const cases: { x: number[]; dtype: DType; attrs: Record<string, number[] | number> }[] = [
    { x: [1, 3, 20, 37], dtype: 'uint8', attrs: { kernel_shape: [3, 3], strides: [2, 2] } },
    { x: [2, 2, 13, 17], dtype: 'int8', attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } },
    { x: [1, 4, 9, 40], dtype: 'int8', attrs: { kernel_shape: [2, 3], strides: [1, 1], pads: [0, 1, 1, 1], dilations: [2, 1] } },
    { x: [1, 2, 11, 11], dtype: 'uint8', attrs: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 } },
  ];
  for (const t of cases) {
    it(`[${t.x}] ${t.dtype} ${JSON.stringify(t.attrs)}`, async () => {
      const r = rng(t.x.reduce((a, b) => a * 31 + b, 7));
      const [lo, hi] = t.dtype === 'int8' ? [-128, 127] : [0, 255];
      const { actual, expected } = await runKernel('MaxPool', [{ tensor: randomTensor(t.dtype, t.x, r, lo, hi) }], t.attrs);
      const c = compareTensors(actual[0]!, expected[0]!);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
