// Depthwise NhwcConv against the reference (NCHW Conv through transposes): odd image sizes, channel
// counts around the vector width (partial last vectors), strides 1-3, dilation, asymmetric pads,
// batch 2 and the fused epilogue (bias, residual, relu, clip).
import { describe, expect, it } from 'vitest';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';
import { ConvCase, checkConvCase, convCaseName } from '../../testing/conv-case.js';

type Case = ConvCase;

const sizes: [number, number][] = [[1, 1], [3, 7], [7, 3], [17, 17], [2, 9]];
const channels = [3, 4, 7, 8, 17, 32];
const sweep: Case[] = sizes.flatMap(([h, w], i) => [1, 2, 3].flatMap((s) => [[1, 1, 1, 1], [0, 2, 2, 1]].map((pads, j) => ({
  x: [1, h, w, channels[(i * 5 + s * 2 + j) % channels.length]!], k: [3, 3], strides: [s, s], pads, bias: true,
}))));

const special: Case[] = [
  ...channels.map((C): Case => ({ x: [1, 9, 8, C], k: [3, 3], pads: [1, 1, 1, 1], bias: true })),
  { x: [2, 9, 11, 5], k: [5, 5], pads: [2, 2, 2, 2], bias: true },
  { x: [1, 17, 16, 8], k: [5, 5], strides: [2, 2], pads: [2, 1, 2, 1] },
  { x: [1, 7, 13, 3], k: [1, 3], pads: [0, 1, 0, 1], bias: true },
  { x: [1, 13, 7, 4], k: [3, 1], strides: [2, 2], pads: [1, 0, 1, 0], bias: true },
  { x: [1, 8, 9, 2], k: [3, 3], pads: [3, 3, 3, 3], bias: true },
  { x: [1, 12, 12, 7], k: [3, 3], strides: [2, 1], pads: [1, 0, 0, 1], bias: true },
  { x: [1, 11, 12, 17], k: [3, 3], strides: [1, 3], pads: [0, 1, 1, 0], bias: true },
  { x: [1, 10, 10, 3], k: [3, 3], bias: true },
  { x: [1, 13, 11, 7], k: [3, 3], dilations: [2, 2], pads: [2, 2, 2, 2], bias: true },
  { x: [2, 17, 7, 9], k: [3, 2], dilations: [2, 3], strides: [3, 1], pads: [1, 0, 2, 3] },
  { x: [1, 7, 7, 32], k: [7, 7], pads: [3, 3, 3, 3], bias: true },
  // Channel tiles: 36 blocks per tile at W = 7, so two tiles (the second partial) and the tail.
  { x: [1, 6, 7, 150], k: [3, 3], pads: [1, 1, 1, 1], bias: true, residual: true, activation: 'relu' },
  { x: [2, 5, 7, 146], k: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], bias: true },
  // More than MAX_EDGE border rows and columns: those go pixel by pixel.
  { x: [1, 13, 14, 5], k: [3, 3], dilations: [5, 5], pads: [5, 6, 5, 5], bias: true, activation: 'relu' },
  { x: [1, 23, 5, 4], k: [3, 3], dilations: [6, 1], pads: [6, 1, 7, 1], strides: [1, 2], bias: true },
  { x: [1, 9, 10, 6], k: [3, 3], pads: [1, 1, 1, 1], bias: true, runtimeBias: true },
  { x: [1, 17, 7, 4], k: [3, 3], pads: [1, 1, 1, 1], bias: true, residual: true, activation: 'relu' },
  { x: [2, 14, 14, 17], k: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], bias: true, activation: 'clip', activation_params: [0, 6] },
  { x: [1, 7, 7, 3], k: [3, 3], pads: [1, 1, 1, 1], residual: true, activation: 'clip', activation_params: [-0.1, 0.2] },
  { x: [2, 9, 9, 7], k: [3, 3], pads: [1, 1, 1, 1], bias: true, residual: true, activation: 'clip', activation_params: [0, 6] },
  { x: [1, 5, 6, 8], k: [3, 3], pads: [1, 1, 1, 1], bias: true, activation: 'silu' },
];

describe('depthwise NhwcConv vs reference', () => {
  [...sweep, ...special].forEach((t, idx) => {
    it(convCaseName(t), async () => {
      const c = await checkConvCase('NhwcConv', { ...t, group: t.x[3]! }, 9000 + idx);
      expect(c.ok, c.message).toBe(true);
    });
  });

  it('an Infinity in the input does not leak into padded taps', async () => {
    const x = randomTensor('float32', [1, 5, 5, 4], rng(11));
    (x.data as Float32Array)[0] = Infinity;
    const inputs = [{ tensor: x }, { tensor: randomTensor('float32', [4, 1, 3, 3], rng(12)), constant: true }];
    const { actual, expected } = await runKernel('NhwcConv', inputs, { group: 4, kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
    const c = compareTensors(actual[0]!, expected[0]!, 1e-5, 1e-5);
    expect(c.ok, c.message).toBe(true);
  });

  it('refuses run-time weights with a typed error', async () => {
    const inputs = [{ tensor: randomTensor('float32', [1, 5, 5, 4], rng(1)) }, { tensor: randomTensor('float32', [4, 1, 3, 3], rng(2)) }];
    await expect(runKernel('NhwcConv', inputs, { group: 4, kernel_shape: [3, 3] })).rejects.toThrow(/NhwcConv node .*run-time weights is not supported/);
  });
});
