import { describe, it } from 'vitest';
import { checkDynamicKernel } from '../../testing/dynamic-harness.js';
import { SIZES, constant, feeds } from '../../testing/dynamic-runs.js';
import { rng } from '../../testing/kernel-harness.js';

const r = rng(23);
const program = (steps: unknown[]) => ({ program: JSON.stringify(steps) });
const ENVS = SIZES.map((n, i) => ({ N: n, M: SIZES[(i + 1) % SIZES.length]! }));

describe('FusedElementwise with run-time dims', () => {
  it('x * sigmoid(x) + b over [N, M, 7] with a [7] bias', async () => {
    const inputs = [{ dtype: 'float32' as const, shape: ['N', 'M', 7], lo: -3, hi: 3 }, constant('float32', [7], r)];
    await checkDynamicKernel('FusedElementwise', inputs,
      program([{ op: 'Sigmoid', args: ['i0'] }, { op: 'Mul', args: ['i0', 't0'] }, { op: 'Add', args: ['t1', 'i1'] }]),
      feeds(inputs, ENVS, r), { rtol: 1e-5, atol: 1e-6 });
  });
  it('(x - y)^2 clipped, same-shape [N, M] operands', async () => {
    const inputs = [{ dtype: 'float32' as const, shape: ['N', 'M'], lo: -4, hi: 4 }, { dtype: 'float32' as const, shape: ['N', 'M'] }];
    await checkDynamicKernel('FusedElementwise', inputs,
      program([{ op: 'Sub', args: ['i0', 'i1'] }, { op: 'Pow', args: ['t0'], attrs: { exponent: 2 } }, { op: 'Clip', args: ['t1'], attrs: { min: 0, max: 6 } }]),
      feeds(inputs, ENVS, r), { rtol: 1e-5, atol: 1e-6 });
  });
});
