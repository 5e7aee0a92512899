import { describe, expect, it } from 'vitest';
import { DType, makeTensor } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

describe('Gather kernel vs reference', () => {
  const cases: { dims: number[]; axis: number; idx: number[]; idxDims: number[]; idxType: 'int32' | 'int64'; dtype?: DType; constIdx?: boolean }[] = [
    { dims: [7, 3], axis: 0, idx: [0, 6, -1, 2], idxDims: [4], idxType: 'int64' },
    { dims: [3, 17], axis: 1, idx: [16, -17, 3], idxDims: [3], idxType: 'int32' },
    { dims: [3], axis: 0, idx: [1], idxDims: [], idxType: 'int64', dtype: 'int64', constIdx: true },
    { dims: [2, 7, 3], axis: -2, idx: [1, 2, 3, 4, 5, 6], idxDims: [2, 3], idxType: 'int64' },
    { dims: [17, 1], axis: 0, idx: [-3], idxDims: [1], idxType: 'int32', dtype: 'uint8', constIdx: true },
  ];
  for (const t of cases) {
    it(`${t.dtype ?? 'float32'}[${t.dims}] axis ${t.axis} ${t.idxType}[${t.idx}]`, async () => {
      const x = randomTensor(t.dtype ?? 'float32', t.dims, rng(t.dims.length * 5 + t.idx.length), 0, 100);
      const idx = makeTensor(t.idxType, t.idxDims, t.idx);
      const { actual, expected } = await runKernel('Gather', [{ tensor: x }, { tensor: idx, constant: t.constIdx }], { axis: t.axis });
      const c = compareTensors(actual[0]!, expected[0]!, 0, 0);
      expect(c.ok, c.message).toBe(true);
    });
  }
  it('traps on an out-of-range run-time index', async () => {
    const x = randomTensor('float32', [3, 2], rng(1));
    await expect(runKernel('Gather', [{ tensor: x }, { tensor: makeTensor('int64', [1], [3]) }], { axis: 0 }).catch((e: Error) => {
      if (/out of range/.test(e.message)) return 'evaluate';
      throw e;
    })).rejects.toThrow(/unreachable/);
  });
});
