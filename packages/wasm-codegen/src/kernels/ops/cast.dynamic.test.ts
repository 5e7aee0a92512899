import { describe, it } from 'vitest';
import { DType } from '@onnx2wasm/ir';
import { checkDynamicKernel } from '../../testing/dynamic-harness.js';
import { SIZES, feeds } from '../../testing/dynamic-runs.js';
import { rng } from '../../testing/kernel-harness.js';

const r = rng(24);
const ENVS = SIZES.map((n, i) => ({ N: n, M: SIZES[(i + 2) % SIZES.length]! }));

async function check(from: DType, to: DType) {
  const inputs = [{ dtype: from, shape: ['N', 'M', 3], lo: -100, hi: 100 }];
  await checkDynamicKernel('Cast', inputs, { to }, feeds(inputs, ENVS, r), { rtol: 0, atol: 0 });
}

describe('Cast with run-time dims', () => {
  it('float32 → int32 (vector body, run-time tail)', () => check('float32', 'int32'));
  it('int32 → float32', () => check('int32', 'float32'));
  it('float32 → float16', () => check('float32', 'float16'));
  it('int64 → float64', () => check('int64', 'float64'));
  it('float32 → bool', () => check('float32', 'bool'));
  it('int32 → int32 (a copy)', () => check('int32', 'int32'));
});
