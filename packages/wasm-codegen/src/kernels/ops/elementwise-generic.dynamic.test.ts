import { describe, it } from 'vitest';
import { Attrs, DType, Dim } from '@onnx2wasm/ir';
import { checkDynamicKernel } from '../../testing/dynamic-harness.js';
import { RunInput, SIZES, constant, feeds } from '../../testing/dynamic-runs.js';
import { rng } from '../../testing/kernel-harness.js';

const r = rng(22);
const t = (dtype: DType, shape: Dim[], lo = -50, hi = 50): RunInput => ({ dtype, shape, lo, hi });
const ENVS = SIZES.map((n, i) => ({ N: n, M: SIZES[(i + 3) % SIZES.length]! }));

async function check(op: string, inputs: (RunInput | undefined)[], attrs: Attrs = {}) {
  await checkDynamicKernel(op, inputs, attrs, feeds(inputs, ENVS, r), { rtol: 1e-5, atol: 1e-6 });
}

describe('scalar elementwise kernel with run-time dims', () => {
  it('adds int32 [N, M] + [N, M]', () => check('Add', [t('int32', ['N', 'M']), t('int32', ['N', 'M'])]));
  it('multiplies int64 [N, 3, M] by [3, 1]', () => check('Mul', [t('int64', ['N', 3, 'M']), t('int64', [3, 1])]));
  it('divides int32 by a constant (integer division)', () => check('Div', [t('int32', ['M', 'N']), constant('int32', [1], r, 1, 9)]));
  it('subtracts float64 [N, 1] - [1, M]', () => check('Sub', [t('float64', ['N', 1]), t('float64', [1, 'M'])]));
  it('adds float16 [N, M, 5]', () => check('Add', [t('float16', ['N', 'M', 5], -4, 4), t('float16', ['M', 5], -4, 4)]));
  it('compares float32 [N, M] < [M] into bool', () => check('Less', [t('float32', ['N', 'M']), t('float32', ['M'])]));
  it('Sin on float32 [N, M] (a host function, no vector form)', () => check('Sin', [t('float32', ['N', 'M'], -3, 3)]));
  it('Where picks from [N, M] and [M] by a bool [N, 1]', () => check('Where', [t('bool', ['N', 1], 0, 1), t('float32', ['N', 'M']), t('float32', ['M'])]));
  it('Where on int64 with a constant y', () => check('Where', [t('bool', ['N', 'M'], 0, 1), t('int64', ['N', 'M']), constant('int64', [1], r, -5, 5)]));
  it('Clip int32 with run-time bounds', () => check('Clip', [t('int32', ['N', 'M']), t('int32', [], -20, -10), t('int32', [], 10, 20)]));
});
