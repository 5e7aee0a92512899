import { DType, makeTensor } from '@onnx2wasm/ir';
import { describe, expect, it } from 'vitest';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

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
  it('NaN as onnxruntime treats it: skipped, unless it is the first element', async () => {
    const cases = [
      { x: [1, NaN, 7, NaN, -2, 3], want: { ArgMax: [2, 2], ArgMin: [4, 4] } },
      { x: [NaN, 1, 7, NaN, 7, -2], want: { ArgMax: [0, 0], ArgMin: [0, 0] } },
      { x: [3, NaN, 3, -1, NaN, -1], want: { ArgMax: [0, 2], ArgMin: [3, 5] } },
    ];
    for (const { x, want } of cases) for (const op of ['ArgMax', 'ArgMin'] as const) for (const last of [0, 1]) {
      const { actual, expected } = await runKernel(op, [{ tensor: makeTensor('float32', [6], x) }], { axis: 0, keepdims: 0, select_last_index: last });
      expect(Number(actual[0]!.data[0]), `${op} last ${last} of [${x}]`).toBe(want[op][last]);
      expect(Number(expected[0]!.data[0]), `${op} last ${last} of [${x}] (reference)`).toBe(want[op][last]);
    }
  });
});
