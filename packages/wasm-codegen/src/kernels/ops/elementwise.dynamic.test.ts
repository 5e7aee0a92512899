import { describe, it } from 'vitest';
import { Attrs, Dim, makeTensor } from '@onnx2wasm/ir';
import { checkDynamicKernel } from '../../testing/dynamic-harness.js';
import { RunInput, SIZES, constant, feeds } from '../../testing/dynamic-runs.js';
import { rng } from '../../testing/kernel-harness.js';

const r = rng(21);
const exponent = (p: number): RunInput => ({ dtype: 'float32', shape: [], constant: makeTensor('float32', [], [p]) });
const f32 = (shape: Dim[], lo = -2, hi = 2): RunInput => ({ dtype: 'float32', shape, lo, hi });
/** (N, M) pairs: every size of SIZES against a shifted one. */
const ENVS = SIZES.map((n, i) => ({ N: n, M: SIZES[(i + 2) % SIZES.length]! }));

async function check(op: string, inputs: (RunInput | undefined)[], attrs: Attrs = {}) {
  await checkDynamicKernel(op, inputs, attrs, feeds(inputs, ENVS, r), { rtol: 1e-5, atol: 1e-6 });
}

describe('float32 elementwise kernels with run-time dims', () => {
  it('adds same-shape [N, M] (one flat loop, run-time tail)', () => check('Add', [f32(['N', 'M']), f32(['N', 'M'])]));
  it('adds a bias to [M, N, 256] (static inner run)', () => check('Add', [f32(['M', 'N', 256]), constant('float32', [256], r)]));
  it('divides [N, 3, M] by [N, 1, M] (stride 0 on the middle dim)', () => check('Div', [f32(['N', 3, 'M']), f32(['N', 1, 'M'], 0.5, 2)]));
  it('subtracts an outer product [N, 1] - [1, M]', () => check('Sub', [f32(['N', 1]), f32([1, 'M'])]));
  it('multiplies [N, M, 5] by a scalar', () => check('Mul', [f32(['N', 'M', 5]), constant('float32', [], r)]));
  it('takes the max of [N, M] and [M]', () => check('Max', [f32(['N', 'M']), f32(['M'])]));
  for (const op of ['Relu', 'Exp', 'Tanh', 'Sigmoid', 'Erf', 'Neg', 'Sqrt']) {
    it(`${op} on [N, M, 3]`, () => check(op, [f32(['N', 'M', 3], op === 'Sqrt' ? 0 : -2, 2)]));
  }
  it('LeakyRelu with alpha on [N, M]', () => check('LeakyRelu', [f32(['N', 'M'])], { alpha: 0.3 }));
  it('Clip with constant bounds', () => check('Clip', [f32(['N', 'M']), constant('float32', [], r, -1, -0.5), constant('float32', [], r, 0.5, 1)]));
  it('Clip with a run-time max (scalar kernel)', () => check('Clip', [f32(['N', 'M']), undefined, f32([])]));
  it('Pow with constant exponents 2 and 0.5, and a run-time one (scalar kernel)', async () => {
    await check('Pow', [f32(['N', 'M']), exponent(2)]);
    await check('Pow', [f32(['N', 'M'], 0, 2), exponent(0.5)]);
    await check('Pow', [f32(['N', 'M'], 0.5, 2), f32(['M'])]);
  });
});
