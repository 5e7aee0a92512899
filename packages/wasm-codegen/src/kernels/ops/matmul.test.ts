import { describe, expect, it } from 'vitest';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

describe('MatMul kernel vs reference', () => {
  const cases: { a: number[]; b: number[]; constB?: boolean }[] = [
    { a: [7], b: [7, 3] },
    { a: [3, 17], b: [17] },
    { a: [17], b: [17] },
    { a: [1, 7, 17], b: [17, 3], constB: true },
    { a: [2, 3, 7, 17], b: [17, 9], constB: true },
    { a: [3, 1, 5], b: [3, 5, 7] },
    { a: [7, 3], b: [2, 3, 3, 17] },
    { a: [2, 1, 4, 3], b: [1, 3, 3, 1] },
    { a: [8, 17, 32], b: [8, 32, 17] },
    { a: [1, 1], b: [1, 1] },
    { a: [13, 33], b: [33, 21], constB: true },
    { a: [1, 7, 300], b: [300, 530], constB: true },
    { a: [3, 17], b: [17], constB: true },
    { a: [5, 300], b: [1, 300, 21], constB: true },
    // Rows of A packed before the micro-kernel (K ≥ 64, N ≥ 32), with odd K and row tails.
    { a: [9, 70], b: [70, 37] },
    { a: [2, 5, 67], b: [67, 33], constB: true },
    { a: [3, 6, 66], b: [3, 66, 35] },
  ];
  for (const t of cases) {
    it(`[${t.a}] x [${t.b}]${t.constB ? ' (constant B)' : ''}`, async () => {
      const r = rng(t.a.length * 100 + t.b.reduce((x, y) => x + y, 0));
      const a = randomTensor('float32', t.a, r), b = randomTensor('float32', t.b, r);
      const { actual, expected } = await runKernel('MatMul', [{ tensor: a }, { tensor: b, constant: t.constB }]);
      const c = compareTensors(actual[0]!, expected[0]!, 1e-5, 1e-5);
      expect(c.ok, c.message).toBe(true);
    });
  }
});

describe('MatMul with a fused epilogue vs reference', () => {
  const cases: { a: number[]; b: number[]; bias?: boolean; residual?: boolean; activation?: string; params?: number[] }[] = [
    { a: [1, 7, 17], b: [17, 9], bias: true, activation: 'relu' },
    { a: [3, 300], b: [300, 530], bias: true, residual: true },
    { a: [5, 17], b: [17, 600], residual: true, activation: 'clip', params: [-0.1, 0.2] },
    { a: [2, 3, 7], b: [2, 7, 3], bias: true, residual: true, activation: 'sigmoid' },
    { a: [7], b: [3, 7, 1], residual: true },
    { a: [2, 5, 300], b: [300, 7], bias: true, activation: 'relu' },
  ];
  for (const t of cases) {
    it(`[${t.a}] x [${t.b}] ${JSON.stringify({ bias: t.bias, residual: t.residual, activation: t.activation })}`, async () => {
      const r = rng(t.a.length * 10 + t.b.length);
      const a = randomTensor('float32', t.a, r), b = randomTensor('float32', t.b, r);
      const outDims = t.a.length === 1 ? [...t.b.slice(0, -2), t.b[t.b.length - 1]!] : [...t.a.slice(0, -1), t.b[t.b.length - 1]!];
      const inputs = [{ tensor: a }, { tensor: b, constant: true },
        t.bias ? { tensor: randomTensor('float32', [t.b[t.b.length - 1]!], r), constant: true } : undefined,
        t.residual ? { tensor: randomTensor('float32', outDims, r) } : undefined];
      const attrs = t.activation ? { activation: t.activation, activation_params: t.params ?? [] } : {};
      const { actual, expected } = await runKernel('MatMul', inputs, attrs);
      const c = compareTensors(actual[0]!, expected[0]!, 1e-5, 1e-5);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
