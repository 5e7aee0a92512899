// The direct depthwise kernel (strides 1 and 2, no dilation) against the reference Conv: plane sizes
// that exercise the border rows, the edge vectors, partial vectors and multi-row passes.
import { describe, expect, it } from 'vitest';
import { ConvCase, checkConvCase, convCaseName } from '../../testing/conv-case.js';

type Case = ConvCase & { optimize?: boolean };

const sizes: [number, number][] = [[1, 1], [3, 7], [7, 3], [17, 17], [7, 17], [17, 1], [2, 9]];
const sweep: Case[] = sizes.flatMap(([h, w]) => [1, 2].flatMap((s) => [[1, 1, 1, 1], [0, 2, 2, 1]].map((pads) => ({
  x: [1, 3, h, w], k: [3, 3], strides: [s, s], pads, bias: true,
}))));

const special: Case[] = [
  { x: [2, 5, 9, 11], k: [5, 5], pads: [2, 2, 2, 2], bias: true },
  { x: [1, 4, 17, 16], k: [5, 5], strides: [2, 2], pads: [2, 1, 2, 1] },
  { x: [1, 3, 7, 13], k: [1, 3], pads: [0, 1, 0, 1], bias: true },
  { x: [1, 3, 13, 7], k: [3, 1], strides: [2, 2], pads: [1, 0, 1, 0], bias: true },
  { x: [1, 2, 8, 9], k: [3, 3], pads: [3, 3, 3, 3], bias: true },
  { x: [1, 3, 12, 12], k: [3, 3], strides: [2, 1], pads: [1, 0, 0, 1], bias: true },
  { x: [1, 3, 11, 12], k: [3, 3], strides: [1, 2], pads: [0, 1, 1, 0], bias: true },
  { x: [1, 3, 16, 16], k: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1], bias: true },
  { x: [1, 3, 10, 10], k: [3, 3], bias: true },
  { x: [1, 3, 9, 10], k: [3, 3], pads: [1, 1, 1, 1], bias: true, runtimeWeights: true },
  { x: [1, 4, 17, 7], k: [3, 3], pads: [1, 1, 1, 1], bias: true, residual: true, activation: 'relu' },
  { x: [2, 3, 14, 14], k: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], bias: true, activation: 'clip', activation_params: [0, 6] },
  { x: [1, 3, 7, 7], k: [3, 3], pads: [1, 1, 1, 1], residual: true, activation: 'clip', activation_params: [-0.1, 0.2] },
  { x: [1, 3, 15, 9], k: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], bias: true, optimize: false },
  { x: [1, 4, 21], k: [3], strides: [2], pads: [1, 1], bias: true },
  { x: [1, 4, 5], k: [3], pads: [2, 0], residual: true },
];

describe('direct depthwise Conv vs reference', () => {
  [...sweep, ...special].forEach((t, idx) => {
    it(`${convCaseName(t)}${t.optimize === false ? ' unoptimized' : ''}`, async () => {
      const c = await checkConvCase('Conv', { ...t, group: t.x[1]! }, 3000 + idx, { optimize: t.optimize ?? true });
      expect(c.ok, c.message).toBe(true);
    });
  });
});
