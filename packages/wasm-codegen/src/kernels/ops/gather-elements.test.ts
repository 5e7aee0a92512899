import { describe, expect, it } from 'vitest';
import { DType, makeTensor } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';
import { randomIndices } from '../../testing/random-indices.js';

describe('GatherElements kernel vs reference', () => {
  const cases: { dims: number[]; idx: number[]; axis: number; it: 'int32' | 'int64'; dtype?: DType }[] = [
    { dims: [3, 3], idx: [2, 3], axis: 0, it: 'int64' },
    { dims: [7, 17], idx: [7, 3], axis: 1, it: 'int32', dtype: 'int64' },
    { dims: [3, 7, 17], idx: [2, 7, 5], axis: -2, it: 'int64', dtype: 'uint8' },
    { dims: [17], idx: [1], axis: 0, it: 'int32', dtype: 'float16' },
    { dims: [3, 1, 7], idx: [3, 1, 7], axis: 2, it: 'int64', dtype: 'bool' },
  ];
  for (const t of cases) {
    it(`${t.dtype ?? 'float32'}[${t.dims}] ${t.it}[${t.idx}] axis ${t.axis}`, async () => {
      const x = randomTensor(t.dtype ?? 'float32', t.dims, rng(t.dims.length * 13), 0, 100);
      const axis = t.axis < 0 ? t.axis + t.dims.length : t.axis;
      const idx = randomIndices(t.it, t.idx, t.dims[axis]!, t.idx.length * 7 + axis);
      const { actual, expected } = await runKernel('GatherElements', [{ tensor: x }, { tensor: idx }], { axis: t.axis });
      const c = compareTensors(actual[0]!, expected[0]!, 0, 0);
      expect(c.ok, c.message).toBe(true);
    });
  }
  it('traps on an out-of-range index', async () => {
    const x = randomTensor('float32', [3, 2], rng(1));
    await expect(runKernel('GatherElements', [{ tensor: x }, { tensor: makeTensor('int64', [1, 1], [3]) }], { axis: 0 }).catch((e: Error) => {
      if (/out of range/.test(e.message)) return 'evaluate';
      throw e;
    })).rejects.toThrow(/unreachable/);
  });
});
