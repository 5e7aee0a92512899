import { DType, makeTensor } from '@onnx2wasm/ir';
import { describe, expect, it } from 'vitest';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

async function check(x: ReturnType<typeof makeTensor>, attrs: Record<string, number>): Promise<void> {
  const { actual, expected } = await runKernel('TopK', [{ tensor: x }], attrs, { outputs: 2 });
  for (const o of [0, 1]) {
    const c = compareTensors(actual[o]!, expected[o]!, 0, 0);
    expect(c.ok, `output ${o}: ${c.message}`).toBe(true);
  }
}

describe('TopK kernel vs reference', () => {
  const shapes: { dims: number[]; axis: number; k: number }[] = [
    { dims: [3, 17], axis: -1, k: 5 }, { dims: [17, 7], axis: 0, k: 17 }, { dims: [2, 7, 3], axis: 1, k: 1 }, { dims: [1], axis: 0, k: 1 },
    { dims: [4, 9], axis: 1, k: 0 }, { dims: [0, 9], axis: 1, k: 3 },
  ];
  // Small integer ranges make ties common: equal values must keep index order.
  for (const dtype of ['float32', 'float64', 'int32', 'int64', 'uint8', 'uint64'] as DType[]) for (const s of shapes) for (const largest of [1, 0]) {
    it(`${dtype} [${s.dims}] axis ${s.axis} k ${s.k} largest ${largest}`, async () => {
      const x = randomTensor(dtype, s.dims, rng(s.dims.length * 17 + s.k + largest), dtype.startsWith('u') ? 0 : -4, 4);
      await check(x, { k: s.k, axis: s.axis, largest, sorted: 1 });
    });
  }
  it('NaN ranks above every number', async () => {
    const x = makeTensor('float32', [6], [1, NaN, 7, -2, NaN, 3]);
    await check(x, { k: 4, axis: 0, largest: 1 });
    await check(x, { k: 4, axis: 0, largest: 0 });
    const { actual } = await runKernel('TopK', [{ tensor: x }], { k: 3, axis: 0, largest: 1, sorted: 1 }, { outputs: 2 });
    expect(Array.from(actual[1]!.data as BigInt64Array, Number)).toEqual([1, 4, 2]);
  });
});
