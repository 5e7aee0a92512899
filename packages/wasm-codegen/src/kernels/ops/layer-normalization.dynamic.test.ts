import { describe, expect, it } from 'vitest';
import { Attrs, Dim } from '@onnx2wasm/ir';
import { checkDynamicKernel } from '../../testing/dynamic-harness.js';
import { RunInput, SIZES, constant, feeds } from '../../testing/dynamic-runs.js';
import { rng } from '../../testing/kernel-harness.js';

const r = rng(25);
const ENVS = SIZES.map((n, i) => ({ S: n, B: SIZES[(i + 2) % SIZES.length]! }));
const x = (shape: Dim[]): RunInput => ({ dtype: 'float32', shape, lo: -3, hi: 3 });

// The reference always computes Mean and InvStdDev, so the kernel writes (and the harness checks) all three.
async function check(inputs: (RunInput | undefined)[], attrs: Attrs = { axis: -1, epsilon: 1e-5 }, outputs = 3) {
  await checkDynamicKernel('LayerNormalization', inputs, attrs, feeds(inputs, ENVS, r), { rtol: 1e-4, atol: 1e-5, outputs });
}

describe('LayerNormalization with run-time rows', () => {
  it('normalizes [S, B, 256] with scale and bias', () => check([x(['S', 'B', 256]), constant('float32', [256], r), constant('float32', [256], r)]));
  it('normalizes odd rows of 7 without bias', () => check([x(['S', 7]), constant('float32', [7], r)]));
  it('normalizes over the last two axes with a broadcast scale', () =>
    check([x(['B', 'S', 3, 17]), constant('float32', [1, 17], r), constant('float32', [3, 17], r)], { axis: -2, epsilon: 1e-3 }));
  it('takes a run-time scale of D elements', () => check([x(['S', 'B', 5]), x([5])]));
  it('refuses a run-time normalized extent', async () => {
    await expect(check([x(['S', 'B']), x(['B'])])).rejects.toThrow(/run-time dims/);
  });
});

describe('RMSNormalization with run-time rows', () => {
  const rms = (inputs: RunInput[], attrs: Attrs = { axis: -1, epsilon: 1e-5 }) =>
    checkDynamicKernel('RMSNormalization', inputs, attrs, feeds(inputs, ENVS, r), { rtol: 1e-4, atol: 1e-5 });
  it('normalizes [S, B, 256]', () => rms([x(['S', 'B', 256]), constant('float32', [256], r)]));
  it('normalizes [B, S, 3, 7] over two axes with a broadcast scale', () => rms([x(['B', 'S', 3, 7]), constant('float32', [7], r)], { axis: 2, epsilon: 1e-3 }));
});
