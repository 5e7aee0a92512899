import { DType } from '@onnx2wasm/ir';
import { describe, expect, it } from 'vitest';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

describe('CumSum / CumProd kernels vs reference', () => {
  const shapes: { dims: number[]; axis: number }[] = [
    { dims: [17], axis: 0 }, { dims: [3, 17], axis: -1 }, { dims: [7, 9], axis: 0 }, { dims: [2, 7, 3], axis: 1 }, { dims: [1, 1], axis: 0 }, { dims: [0, 3], axis: 1 },
  ];
  // Every shape and flag combination on float32 (scalar and lane paths); two shapes for the rest.
  for (const dtype of ['float32', 'float64', 'int32', 'int64', 'uint8'] as DType[]) for (const op of ['CumSum', 'CumProd']) for (const s of dtype === 'float32' ? shapes : shapes.slice(1, 3)) {
    for (const [exclusive, reverse] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
      it(`${op} ${dtype} [${s.dims}] axis ${s.axis} exclusive ${exclusive} reverse ${reverse}`, async () => {
        const float = dtype.startsWith('float');
        const [lo, hi] = op === 'CumProd' ? (float ? [0.7, 1.4] : [dtype === 'uint8' ? 0 : -3, 3]) : [dtype === 'uint8' ? 0 : -50, 50];
        const x = randomTensor(dtype, s.dims, rng(s.dims.length * 31 + exclusive * 2 + reverse), lo, hi);
        const { actual, expected } = await runKernel(op, [{ tensor: x }], { axis: s.axis, exclusive, reverse });
        const c = compareTensors(actual[0]!, expected[0]!, 1e-5, 1e-5);
        expect(c.ok, c.message).toBe(true);
      });
    }
  }
});
