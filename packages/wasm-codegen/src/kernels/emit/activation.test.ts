// The clamp-style activations use pmax/pmin (one x86 instruction) instead of the NaN-propagating
// max/min; these cases pin down that NaN, infinities and zeros still come out as the reference says.
import { makeTensor } from '@onnx2wasm/ir';
import { describe, expect, it } from 'vitest';
import { compareTensors, runKernel } from '../../testing/kernel-harness.js';

const SPECIAL = [NaN, -Infinity, Infinity, -0, 0, -1e-30, 1e-30, -3.5, -1, -0.25, 0.25, 1, 3.5, 7, NaN, -2, 6.5];

describe('clamp-style activations keep NaN and edge values', () => {
  const x = () => ({ tensor: makeTensor('float32', [SPECIAL.length], SPECIAL) });
  const cases: [string, Record<string, number>][] = [
    ['Relu', {}],
    ['LeakyRelu', { alpha: 0.1 }],
    ['HardSigmoid', { alpha: 0.3, beta: 0.4 }],
  ];
  for (const [op, attrs] of cases) {
    it(op, async () => {
      const { actual, expected } = await runKernel(op, [x()], attrs);
      const c = compareTensors(actual[0]!, expected[0]!);
      expect(c.ok, c.message).toBe(true);
    });
  }
  for (const [lo, hi] of [[0, 6], [-1, 1], [-Infinity, 2], [1, 1]]) {
    it(`Clip [${lo}, ${hi}]`, async () => {
      const bound = (v: number) => ({ tensor: makeTensor('float32', [], [v]), constant: true });
      const { actual, expected } = await runKernel('Clip', [x(), bound(lo!), bound(hi!)]);
      const c = compareTensors(actual[0]!, expected[0]!);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
