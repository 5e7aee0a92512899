import { DType, makeTensor } from '@onnx2wasm/ir';
import { describe, expect, it } from 'vitest';
import { compareTensors, randomTensor, rng, runKernel } from '../testing/kernel-harness.js';

describe('ArgMax / ArgMin kernels vs reference', () => {
  const shapes: { dims: number[]; axis: number }[] = [
    { dims: [3, 17], axis: 1 }, { dims: [17, 7], axis: 0 }, { dims: [2, 7, 3], axis: 1 }, { dims: [1], axis: 0 }, { dims: [3, 1, 5], axis: -2 },
  ];
  // Integer inputs in a small range make ties common, which select_last_index decides.
  for (const dtype of ['float32', 'float64', 'int32', 'int64', 'uint8', 'int8'] as DType[]) for (const op of ['ArgMax', 'ArgMin']) for (const s of dtype === 'float32' || dtype === 'int32' ? shapes : shapes.slice(0, 3)) {
    for (const last of [0, 1]) {
      it(`${op} ${dtype} [${s.dims}] axis ${s.axis} last ${last}`, async () => {
        const x = randomTensor(dtype, s.dims, rng(s.dims.length * 13 + s.axis + last), dtype === 'uint8' ? 0 : -3, 3);
        const { actual, expected } = await runKernel(op, [{ tensor: x }], { axis: s.axis, keepdims: last, select_last_index: last });
        const c = compareTensors(actual[0]!, expected[0]!);
        expect(c.ok, c.message).toBe(true);
      });
    }
  }
  it('NaN is the extreme: first NaN, or last with select_last_index', async () => {
    const x = makeTensor('float32', [6], [1, NaN, 7, NaN, -2, 3]);
    for (const [op, last, want] of [['ArgMax', 0, 1], ['ArgMax', 1, 3], ['ArgMin', 0, 1], ['ArgMin', 1, 3]] as const) {
      const { actual, expected } = await runKernel(op, [{ tensor: x }], { axis: 0, keepdims: 0, select_last_index: last });
      expect(Number(actual[0]!.data[0])).toBe(want);
      expect(Number(expected[0]!.data[0])).toBe(want);
    }
  });
});
