import { describe, expect, it } from 'vitest';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

const program = (steps: unknown[]) => ({ program: JSON.stringify(steps) });

describe('FusedElementwise kernel vs reference', () => {
  it('x * sigmoid(x) + b with broadcasting', async () => {
    const r = rng(1);
    const { actual, expected } = await runKernel('FusedElementwise', [
      { tensor: randomTensor('float32', [2, 3, 7], r, -3, 3) },
      { tensor: randomTensor('float32', [3, 1], r) },
    ], program([{ op: 'Sigmoid', args: ['i0'] }, { op: 'Mul', args: ['i0', 't0'] }, { op: 'Add', args: ['t1', 'i1'] }]));
    const c = compareTensors(actual[0]!, expected[0]!, 1e-5, 1e-6);
    expect(c.ok, c.message).toBe(true);
  });
  it('clip and pow steps, odd sizes', async () => {
    const r = rng(2);
    for (const dims of [[1], [3], [17], [5, 7]]) {
      const { actual, expected } = await runKernel('FusedElementwise', [
        { tensor: randomTensor('float32', dims, r, -4, 4) },
        { tensor: randomTensor('float32', [1], r), constant: true },
      ], program([{ op: 'Sub', args: ['i0', 'i1'] }, { op: 'Pow', args: ['t0'], attrs: { exponent: 2 } }, { op: 'Clip', args: ['t1'], attrs: { min: 0, max: 6 } }]));
      const c = compareTensors(actual[0]!, expected[0]!, 1e-5, 1e-6);
      expect(c.ok, `${dims}: ${c.message}`).toBe(true);
    }
  });
  it('rejects a step reading a value defined later', async () => {
    await expect(runKernel('FusedElementwise', [{ tensor: randomTensor('float32', [3], rng(3)) }], program([{ op: 'Relu', args: ['t0'] }]))).rejects.toThrow(/not defined before it/);
  });
});
