import { describe, expect, it } from 'vitest';
import { DType } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';
import { simplifyPermutation } from './transpose.js';

describe('Transpose kernel vs reference', () => {
  const cases: { dims: number[]; perm?: number[]; dtype?: DType }[] = [
    { dims: [7, 17] },
    { dims: [17, 3], perm: [1, 0] },
    { dims: [1, 1], perm: [1, 0] },
    { dims: [8, 12] },
    { dims: [3, 7, 17], perm: [0, 2, 1] },
    { dims: [1, 128, 8, 32].map((d) => (d > 8 ? 17 : d)), perm: [0, 2, 3, 1] },
    { dims: [1, 2, 7, 3, 3], perm: [0, 2, 1, 3, 4] },
    { dims: [7, 1, 3], perm: [1, 0, 2] },
    { dims: [2, 3, 4, 5], perm: [3, 1, 0, 2] },
    { dims: [3, 7, 5], perm: [2, 0, 1], dtype: 'int64' },
    { dims: [3, 17], dtype: 'uint8' },
    { dims: [2, 3, 7], perm: [1, 2, 0], dtype: 'int32' },
    { dims: [5, 9, 13], perm: [1, 2, 0] },
    // Two rows zipped into pairs (a channel shuffle of 2 groups in NHWC), with a column tail.
    { dims: [3, 2, 58], perm: [0, 2, 1] },
    { dims: [2, 9], perm: [1, 0] },
    { dims: [2, 4], perm: [1, 0], dtype: 'int32' },
  ];
  for (const t of cases) {
    it(`${t.dtype ?? 'float32'}[${t.dims}] perm ${t.perm ? `[${t.perm}]` : 'reversed'}`, async () => {
      const x = randomTensor(t.dtype ?? 'float32', t.dims, rng(t.dims.reduce((a, b) => a * 3 + b, 1)), -100, 100);
      const { actual, expected } = await runKernel('Transpose', [{ tensor: x }], { perm: t.perm ?? t.dims.map((_, i) => t.dims.length - 1 - i) });
      const c = compareTensors(actual[0]!, expected[0]!, 0, 0);
      expect(c.ok, c.message).toBe(true);
    });
  }
  it('simplifies permutations to the fewest dims', () => {
    expect(simplifyPermutation([1, 128, 8, 32], [0, 2, 3, 1])).toEqual({ dims: [128, 256], perm: [1, 0] });
    expect(simplifyPermutation([1, 2, 58, 28, 28], [0, 2, 1, 3, 4])).toEqual({ dims: [2, 58, 784], perm: [1, 0, 2] });
    expect(simplifyPermutation([1, 1], [1, 0])).toEqual({ dims: [], perm: [] });
  });
});
