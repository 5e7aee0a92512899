import { describe, expect, it } from 'vitest';
import { CompileError } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

describe('BatchNormalization kernel vs reference', () => {
  for (const dims of [[1, 3, 7, 7], [2, 5, 4, 4], [1, 17, 3, 1], [3, 7], [1, 4, 17], [2, 3, 2, 2, 3]]) {
    it(`[${dims}]`, async () => {
      const r = rng(dims.reduce((a, b) => a * 31 + b, 0));
      const C = dims[1]!;
      const param = (lo: number, hi: number) => ({ tensor: randomTensor('float32', [C], r, lo, hi), constant: true });
      const inputs = [{ tensor: randomTensor('float32', dims, r, -2, 2) }, param(0.5, 2), param(-1, 1), param(-1, 1), param(0.1, 3)];
      const { actual, expected } = await runKernel('BatchNormalization', inputs, { epsilon: 1e-3 });
      const c = compareTensors(actual[0]!, expected[0]!, 1e-5, 1e-5);
      expect(c.ok, c.message).toBe(true);
    });
  }

  it('computes run-time parameters', async () => {
    const r = rng(3);
    const param = (lo: number, hi: number) => ({ tensor: randomTensor('float32', [5], r, lo, hi) });
    const inputs = [{ tensor: randomTensor('float32', [2, 5, 3, 3], r) }, param(0.5, 2), param(-1, 1), param(-1, 1), param(0.1, 3)];
    const { actual, expected } = await runKernel('BatchNormalization', inputs, { epsilon: 1e-5 });
    const c = compareTensors(actual[0]!, expected[0]!, 1e-5, 1e-5);
    expect(c.ok, c.message).toBe(true);
  });

  it('rejects training mode with a typed error naming the node', async () => {
    const r = rng(1);
    const p = () => ({ tensor: randomTensor('float32', [2], r, 0.5, 1), constant: true });
    const run = runKernel('BatchNormalization', [{ tensor: randomTensor('float32', [1, 2, 2, 2], r) }, p(), p(), p(), p()], { epsilon: 1e-5, training_mode: 1 });
    await expect(run).rejects.toBeInstanceOf(CompileError);
    await expect(run).rejects.toMatchObject({ code: 'UNSUPPORTED_OP', node: 'BatchNormalization_0', op: 'BatchNormalization' });
  });
});
