// One row times a packed constant B (gemv-packed.ts) against the IR reference: odd and even depths,
// an odd number of panels, a compact tail block, and the epilogues a projection carries.
import { describe, expect, it } from 'vitest';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

describe('GEMV on packed B', () => {
  for (const [K, N] of [[1, 16], [7, 24], [64, 37], [33, 70], [96, 519]]) {
    it(`MatMul [1,${K}] x [${K},${N}]`, async () => {
      const r = rng(K * 1000 + N);
      const { actual, expected } = await runKernel('MatMul', [{ tensor: randomTensor('float32', [1, K], r) }, { tensor: randomTensor('float32', [K, N], r), constant: true }]);
      const c = compareTensors(actual[0]!, expected[0]!);
      expect(c.ok, c.message).toBe(true);
    });
  }
  for (const activation of ['gelu', 'relu', 'gelu_tanh']) {
    it(`Gemm [1,45] x [45,43] + bias, ${activation}`, async () => {
      const r = rng(activation.length);
      const { actual, expected } = await runKernel('Gemm', [
        { tensor: randomTensor('float32', [1, 45], r) },
        { tensor: randomTensor('float32', [45, 43], r), constant: true },
        { tensor: randomTensor('float32', [43], r), constant: true },
      ], { transA: 0, transB: 0, alpha: 1, beta: 1, activation });
      const c = compareTensors(actual[0]!, expected[0]!);
      expect(c.ok, c.message).toBe(true);
    });
  }
  it('Gemm with transB and a run-time full C (residual)', async () => {
    const r = rng(3);
    const { actual, expected } = await runKernel('Gemm', [
      { tensor: randomTensor('float32', [1, 20], r) },
      { tensor: randomTensor('float32', [35, 20], r), constant: true },
      { tensor: randomTensor('float32', [1, 35], r) },
    ], { transA: 0, transB: 1, alpha: 1, beta: 1 });
    const c = compareTensors(actual[0]!, expected[0]!);
    expect(c.ok, c.message).toBe(true);
  });
});
