import { describe, expect, it } from 'vitest';
import { DType, makeTensor } from '@onnx2wasm/ir';
import { KernelInput, compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

// Requantize bit for bit against the IR reference (the DequantizeLinear then QuantizeLinear float32
// steps): every 8-bit dtype pair, lengths with and without a partial last vector, scales that make
// half-way ties (sx / sy = 0.5) and saturation at both ends.
describe('Requantize kernel vs reference', () => {
  const cases: { n: number[]; xt: DType; yt: DType; sx: number; sy: number; zx: number; zy: number }[] = [
    { n: [2, 64], xt: 'uint8', yt: 'uint8', sx: 0.5, sy: 1, zx: 128, zy: 3 },
    { n: [37], xt: 'int8', yt: 'uint8', sx: 0.031, sy: 0.02, zx: -3, zy: 120 },
    { n: [5], xt: 'uint8', yt: 'int8', sx: 0.01, sy: 0.02, zx: 10, zy: -7 },
    { n: [1, 3, 7, 9], xt: 'int8', yt: 'int8', sx: 0.25, sy: 0.5, zx: 0, zy: 0 },
  ];
  for (const [i, t] of cases.entries()) {
    it(`[${t.n}] ${t.xt} → ${t.yt}, sx/sy = ${t.sx}/${t.sy}`, async () => {
      const r = rng(3000 + i);
      const [lo, hi] = t.xt === 'int8' ? [-128, 127] : [0, 255];
      const inputs: KernelInput[] = [
        { tensor: randomTensor(t.xt, t.n, r, lo, hi) },
        { tensor: makeTensor('float32', [], [t.sx]), constant: true },
        { tensor: makeTensor(t.xt, [], [t.zx]), constant: true },
        { tensor: makeTensor('float32', [], [t.sy]), constant: true },
        { tensor: makeTensor(t.yt, [], [t.zy]), constant: true },
      ];
      const { actual, expected } = await runKernel('Requantize', inputs);
      const c = compareTensors(actual[0]!, expected[0]!);
      expect(c.ok, c.message).toBe(true);
      expect(new Set(Array.from(expected[0]!.data as ArrayLike<number>)).size).toBeGreaterThan(4);
    });
  }
});
