import { describe, expect, it } from 'vitest';
import { DType } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

describe('Einsum kernel vs reference', () => {
  const cases: { equation: string; shapes: number[][]; dtype?: DType }[] = [
    { equation: 'bij,bjk->bik', shapes: [[3, 2, 7], [3, 7, 5]] },
    { equation: 'ij->ji', shapes: [[3, 17]], dtype: 'float64' },
    { equation: '...ii->...i', shapes: [[3, 5, 5]], dtype: 'float64' },
    { equation: 'i,i', shapes: [[7], [7]] },
    { equation: 'ij', shapes: [[1, 3]] },
    { equation: '->', shapes: [[]], dtype: 'float64' },
    { equation: '...j,j->...', shapes: [[2, 1, 3], [3]] },
    { equation: 'bhqd, bhkd -> bhqk', shapes: [[1, 2, 3, 4], [1, 2, 5, 4]] },
    { equation: 'ij,jk,kl', shapes: [[2, 3], [3, 1], [1, 4]] },
  ];
  for (const t of cases) {
    it(`${t.equation} ${JSON.stringify(t.shapes)}`, async () => {
      const r = rng(t.equation.length * 31 + t.shapes.length);
      const inputs = t.shapes.map((s) => ({ tensor: randomTensor(t.dtype ?? 'float32', s, r) }));
      const { actual, expected } = await runKernel('Einsum', inputs, { equation: t.equation });
      const c = compareTensors(actual[0]!, expected[0]!, 1e-5, 1e-6);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
