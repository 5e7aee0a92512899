import { describe, expect, it } from 'vitest';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

describe('Gemm kernel vs reference', () => {
  const cases: { m: number; k: number; n: number; transA?: number; transB?: number; alpha?: number; beta?: number; c?: 'row' | 'full' | 'col' | 'none'; constB?: boolean }[] = [
    { m: 1, k: 7, n: 3, transB: 1, c: 'row', constB: true },
    { m: 5, k: 17, n: 9, c: 'none' },
    { m: 4, k: 8, n: 8, c: 'full', alpha: 0.5, beta: 2 },
    { m: 7, k: 3, n: 17, transA: 1, c: 'col' },
    { m: 3, k: 1, n: 1, transB: 1, c: 'row', constB: true },
    { m: 13, k: 33, n: 21, transB: 1, c: 'row', constB: true, alpha: 1.5, beta: 0.25 },
    // Long rows of A over many columns: rows of A are packed (aPack), with every form of B.
    { m: 9, k: 70, n: 37, c: 'row', constB: true },
    { m: 8, k: 65, n: 33, transB: 1, c: 'full', constB: true },
    { m: 6, k: 100, n: 40, transB: 1, c: 'col' },
    { m: 11, k: 67, n: 35, c: 'none' },
  ];
  for (const t of cases) {
    it(JSON.stringify(t), async () => {
      const r = rng(t.m * 100 + t.k * 10 + t.n);
      const a = randomTensor('float32', t.transA ? [t.k, t.m] : [t.m, t.k], r);
      const b = randomTensor('float32', t.transB ? [t.n, t.k] : [t.k, t.n], r);
      const cDims = t.c === 'row' ? [t.n] : t.c === 'full' ? [t.m, t.n] : t.c === 'col' ? [t.m, 1] : undefined;
      const inputs = [{ tensor: a }, { tensor: b, constant: t.constB }, ...(cDims ? [{ tensor: randomTensor('float32', cDims, r), constant: true }] : [])];
      const { actual, expected } = await runKernel('Gemm', inputs, { transA: t.transA ?? 0, transB: t.transB ?? 0, alpha: t.alpha ?? 1, beta: t.beta ?? 1 });
      const c = compareTensors(actual[0]!, expected[0]!, 1e-5, 1e-5);
      expect(c.ok, c.message).toBe(true);
    });
  }
});

describe('Gemm with a fused epilogue', () => {
  const acts: [string, number[]][] = [['relu', []], ['clip', [0, 6]], ['sigmoid', []], ['silu', []], ['tanh', []], ['hardsigmoid', [0.2, 0.5]], ['hardswish', []], ['gelu', []], ['gelu_tanh', []], ['leakyrelu', [0.1]]];
  for (const [activation, activation_params] of acts) {
    it(`${activation} with residual`, async () => {
      const r = rng(activation.length);
      const m = 5, k = 9, n = 7;
      const { actual, expected } = await runKernel('Gemm', [
        { tensor: randomTensor('float32', [m, k], r, -2, 2) },
        { tensor: randomTensor('float32', [n, k], r), constant: true },
        { tensor: randomTensor('float32', [n], r), constant: true },
        { tensor: randomTensor('float32', [m, n], r) },
      ], { transA: 0, transB: 1, alpha: 1, beta: 1, activation, activation_params });
      const c = compareTensors(actual[0]!, expected[0]!, 1e-5, 1e-6);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
