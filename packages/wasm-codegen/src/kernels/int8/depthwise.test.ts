import { describe, expect, it } from 'vitest';
import { DType, makeTensor } from '@onnx2wasm/ir';
import { KernelInput, compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';
import { planRow } from './depthwise.js';

// The 8-bit depthwise kernel bit for bit against the IR reference, on the shapes that take its
// different paths: rows of several 16-output steps with a partial last one, narrow planes swept
// flat (7x7), strides 1 and 2, pads on any side, dilations, odd and wide kernels, rows copied
// unrolled (W <= 64) or in a loop, channel counts that are not multiples of 16, batches (the
// tensor's last row), int8 and uint8 activations and outputs, and products large enough to need
// the clamp before rounding.
interface Case { x: number[]; k: [number, number]; attrs?: Record<string, number[]>; xt: DType; yt: DType; yScale?: number; spread?: boolean }

const cases: Case[] = [
  { x: [2, 17, 9, 37], k: [3, 3], attrs: { pads: [1, 1, 1, 1] }, xt: 'uint8', yt: 'uint8' },
  { x: [1, 18, 20, 33], k: [3, 3], attrs: { strides: [2, 2], pads: [1, 1, 1, 1] }, xt: 'int8', yt: 'int8' },
  { x: [2, 19, 7, 7], k: [3, 3], attrs: { pads: [1, 1, 1, 1] }, xt: 'int8', yt: 'uint8' },
  { x: [1, 21, 14, 14], k: [3, 3], attrs: { strides: [2, 2], pads: [0, 0, 1, 1] }, xt: 'uint8', yt: 'int8' },
  { x: [1, 5, 10, 70], k: [3, 3], xt: 'uint8', yt: 'uint8' },
  { x: [1, 6, 13, 23], k: [5, 3], attrs: { dilations: [2, 2], pads: [0, 2, 1, 0] }, xt: 'int8', yt: 'int8' },
  { x: [1, 7, 11, 41], k: [1, 5], attrs: { strides: [2, 2], pads: [0, 2, 0, 2] }, xt: 'uint8', yt: 'uint8' },
  { x: [1, 9, 17, 17], k: [5, 5], attrs: { strides: [2, 2], pads: [2, 2, 2, 2] }, xt: 'int8', yt: 'uint8' },
  { x: [1, 3, 1, 40], k: [1, 3], attrs: { pads: [0, 1, 0, 1] }, xt: 'int8', yt: 'int8' },
  // Stride 1 swept by rows (32 outputs a row: flat would take more steps), stride 2 swept flat (one output row).
  { x: [1, 6, 5, 32], k: [3, 3], attrs: { pads: [1, 1, 1, 1] }, xt: 'int8', yt: 'int8' },
  { x: [2, 4, 3, 50], k: [3, 3], attrs: { strides: [2, 2] }, xt: 'uint8', yt: 'int8' },
  // Tiny planes: a 1x1 depthwise kernel (one tap, a lone one), 2x2 outputs from a 3x3 window over
  // pads, rows of 8 swept by rows (stride 2 down only): stores near the tensor's end must not run past it.
  { x: [3, 17, 3, 5], k: [1, 1], attrs: { strides: [2, 2] }, xt: 'int8', yt: 'uint8', spread: false },
  { x: [4, 9, 2, 2], k: [3, 3], attrs: { pads: [1, 1, 1, 1] }, xt: 'uint8', yt: 'uint8', spread: false },
  { x: [3, 4, 7, 8], k: [3, 3], attrs: { strides: [2, 1], pads: [1, 1, 1, 1] }, xt: 'int8', yt: 'int8', spread: false },
  // A y_scale that makes products pass -1.5·2^23 (where rounding by the magic number needs its clamp): outputs saturate both ways.
  { x: [1, 4, 6, 19], k: [3, 3], attrs: { pads: [1, 1, 1, 1] }, xt: 'uint8', yt: 'int8', yScale: 1e-7, spread: false },
];

describe('depthwise QLinearConv 8-bit kernel vs reference', () => {
  for (const [i, t] of cases.entries()) {
    it(`x [${t.x}] ${t.xt} · ${t.k.join('x')} → ${t.yt} ${JSON.stringify(t.attrs ?? {})}`, async () => {
      const r = rng(2000 + i);
      const C = t.x[1]!, K = t.k[0] * t.k[1];
      const [xlo, xhi] = t.xt === 'int8' ? [-128, 127] : [0, 255];
      const inputs: (KernelInput | undefined)[] = [
        { tensor: randomTensor(t.xt, t.x, r, xlo, xhi) },
        { tensor: makeTensor('float32', [], [0.02]), constant: true },
        { tensor: makeTensor(t.xt, [], [t.xt === 'int8' ? -3 : 131]), constant: true },
        { tensor: randomTensor('int8', [C, 1, ...t.k], r, -128, 127), constant: true },
        { tensor: randomTensor('float32', [C], r, 0.001, 0.01), constant: true },
        { tensor: makeTensor('int8', [C], new Array(C).fill(0)), constant: true },
        { tensor: makeTensor('float32', [], [t.yScale ?? 0.02 * 0.005 * Math.sqrt(K) * 40]), constant: true },
        { tensor: makeTensor(t.yt, [], [t.yt === 'int8' ? 5 : 120]), constant: true },
        { tensor: randomTensor('int32', [C], r, -20000, 20000), constant: true },
      ];
      const attrs = { group: C, ...t.attrs };
      const { actual, expected } = await runKernel('QLinearConv', inputs, attrs);
      const c = compareTensors(actual[0]!, expected[0]!);
      expect(c.ok, c.message).toBe(true);
      const v = new Set(Array.from(expected[0]!.data as ArrayLike<number>));
      const [lo, hi] = t.yt === 'int8' ? [-128, 127] : [0, 255];
      if (t.spread === false) expect(v.has(lo) && v.has(hi)).toBe(true);
      else expect(v.size).toBeGreaterThan(20);
    });
  }
});

describe('depthwise row plan', () => {
  // Every tap of every accumulator is taken exactly once, at its own byte.
  for (const [sw, kw, dw] of [[1, 3, 1], [2, 3, 1], [1, 5, 1], [2, 5, 2], [1, 7, 3], [2, 1, 1]] as const) {
    it(`stride ${sw}, ${kw} taps, dilation ${dw}`, () => {
      const dots = planRow(sw, kw, dw);
      for (let k = 0; k < 4; k++) {
        const mine = dots.filter((d) => d.k === k);
        const taken = mine.flatMap((d) => [...(d.a === undefined ? [] : [[d.a, d.at]]), ...(d.b === undefined ? [] : [[d.b, d.at + 2]])]);
        expect(taken.map(([t]) => t).sort((p, q) => p! - q!)).toEqual(Array.from({ length: kw }, (_, t) => t));
        const base = taken.find(([t]) => t === 0)![1]!;
        for (const [t, at] of taken) expect(at).toBe(base + t! * dw);
        expect(mine.every((d) => d.at >= 0)).toBe(true);
      }
    });
  }
});
