import { describe, expect, it } from 'vitest';
import { DType, makeTensor } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

const reps = (v: number[]) => ({ tensor: makeTensor('int64', [v.length], v), constant: true });

describe('Tile kernel vs reference', () => {
  const cases: { dims: number[]; reps: number[]; dtype?: DType }[] = [
    { dims: [2, 3, 4, 5], reps: [7, 6, 4, 2] },
    { dims: [17], reps: [3] },
    { dims: [3, 7], reps: [1, 3], dtype: 'int64' },
    { dims: [7, 1], reps: [2, 17], dtype: 'uint8' },
    { dims: [1, 3, 1], reps: [3, 1, 7], dtype: 'float16' },
    { dims: [3, 2], reps: [0, 2] },
    { dims: [], reps: [] },
  ];
  for (const t of cases) {
    it(`${t.dtype ?? 'float32'}[${t.dims}] × [${t.reps}]`, async () => {
      const x = randomTensor(t.dtype ?? 'float32', t.dims, rng(t.dims.length * 3 + 1), -50, 50);
      const { actual, expected } = await runKernel('Tile', [{ tensor: x }, reps(t.reps)]);
      expect(expected[0]!.dims).toEqual(t.dims.map((d, i) => d * t.reps[i]!));
      const c = compareTensors(actual[0]!, expected[0]!, 0, 0);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
