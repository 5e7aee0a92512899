import { describe, expect, it } from 'vitest';
import { Dim } from '@onnx2wasm/ir';
import { checkDynamicKernel } from '../../testing/dynamic-harness.js';
import { RunInput, SIZES, feeds } from '../../testing/dynamic-runs.js';
import { rng } from '../../testing/kernel-harness.js';

const r = rng(26);
const ENVS = SIZES.map((n, i) => ({ S: n, B: SIZES[(i + 1) % SIZES.length]! }));

async function check(op: string, shape: Dim[], axis: number, dtype: 'float32' | 'float64' = 'float32') {
  const inputs: RunInput[] = [{ dtype, shape, lo: -5, hi: 5 }];
  await checkDynamicKernel(op, inputs, { axis }, feeds(inputs, ENVS, r), { rtol: 1e-4, atol: 1e-6 });
}

for (const op of ['Softmax', 'LogSoftmax']) {
  describe(`${op} with run-time dims`, () => {
    it('rows of 33 in [S, B, 33]', () => check(op, ['S', 'B', 33], -1));
    it('rows of 4 in [B, 4]', () => check(op, ['B', 4], 1));
    it('an inner axis of [S, 5, 7] (lanes over inner positions, scalar inner tail)', () => check(op, ['S', 5, 7], 1));
    it('an inner axis of [B, S, 3, 8]', () => check(op, ['B', 'S', 3, 8], 2));
    it('a run-time axis extent: attention scores [B, 2, S, S] over the last axis', () => check(op, ['B', 2, 'S', 'S'], -1));
    it('a run-time axis extent with inner positions: [B, S, 6] along axis 1', () => check(op, ['B', 'S', 6], 1));
    it('refuses run-time inner dims', async () => {
      await expect(check(op, ['S', 3, 'B'], 1)).rejects.toThrow(/run-time dims/);
    });
  });
}

describe('LogSoftmax float64 with run-time dims', () => {
  it('[S, 6, 3] along axis 1', () => check('LogSoftmax', ['S', 6, 3], 1, 'float64'));
  it('[3, S] along a run-time axis', () => check('LogSoftmax', [3, 'S'], 1, 'float64'));
});
