import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Attrs } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';
import { ConvCase, checkConvCase } from '../../testing/conv-case.js';
import { winogradLimits } from './conv-winograd.js';

type Case = ConvCase & { name: string };

const cases: Case[] = [
  // im2col + GEMM
  { name: '3x3 pad 1, odd channels and size', x: [1, 3, 17, 17], m: 7, k: [3, 3], pads: [1, 1, 1, 1], bias: true },
  { name: '3x3 stride 2 (shuffled im2col)', x: [1, 3, 17, 13], m: 5, k: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], bias: true },
  { name: '7x7 stride 2 pad 3 (resnet stem)', x: [1, 3, 23, 23], m: 4, k: [7, 7], strides: [2, 2], pads: [3, 3, 3, 3], bias: true },
  { name: 'stride 3, asymmetric pads, no bias', x: [1, 2, 11, 9], m: 3, k: [3, 2], strides: [3, 3], pads: [0, 1, 2, 0] },
  { name: 'dilation 2', x: [1, 3, 12, 11], m: 5, k: [3, 3], dilations: [2, 2], pads: [2, 2, 2, 2], bias: true },
  { name: 'no pads, stride 1 (in-place im2col)', x: [1, 4, 7, 9], m: 3, k: [3, 3], bias: true },
  { name: '1x1 stride 2', x: [1, 5, 9, 9], m: 7, k: [1, 1], strides: [2, 2], bias: true },
  { name: 'batch 2', x: [2, 3, 7, 5], m: 4, k: [3, 3], pads: [1, 1, 1, 1], bias: true },
  { name: 'output 1x1', x: [1, 2, 3, 3], m: 3, k: [3, 3], bias: true },
  { name: 'run-time weights and bias', x: [1, 3, 6, 7], m: 5, k: [3, 3], pads: [1, 1, 1, 1], bias: true, runtimeWeights: true },
  // cache-blocked GEMM: K = 603 → depth chunks 256 + 256 + 91; N = 575 → column chunks 512 + 63
  { name: 'blocked: deep and wide, bias + residual + relu', x: [1, 67, 23, 25], m: 5, k: [3, 3], pads: [1, 1, 1, 1], bias: true, residual: true, activation: 'relu' },
  { name: 'blocked: two depth chunks, no bias', x: [1, 33, 9, 9], m: 9, k: [3, 3], pads: [1, 1, 1, 1] },
  { name: 'blocked: wide pointwise', x: [1, 3, 27, 23], m: 6, k: [1, 1], bias: true, activation: 'clip', activation_params: [-0.2, 0.3] },
  // pointwise (no copy)
  { name: '1x1 pointwise', x: [1, 7, 5, 3], m: 17, k: [1, 1], bias: true },
  // Packed operands: weight rows interleaved per block (K ≥ 64) and input planes packed into panels (Mg ≥ 16), odd plane sizes.
  { name: 'pointwise, packed weights and input', x: [1, 70, 7, 7], m: 18, k: [1, 1], bias: true },
  { name: 'pointwise, packed, wide (column chunks) + residual + relu', x: [1, 66, 24, 23], m: 20, k: [1, 1], bias: true, residual: true, activation: 'relu' },
  { name: 'grouped pointwise, packed input, batch 2', x: [2, 6, 5, 7], m: 36, k: [1, 1], group: 2 },
  { name: 'im2col, 64 channels: columns packed into panels', x: [1, 5, 9, 11], m: 64, k: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], bias: true, residual: true, activation: 'relu' },
  { name: 'grouped 1x1 with bias (bias column), 64 channels per group: packed columns', x: [2, 4, 5, 3], m: 128, k: [1, 1], group: 2, bias: true },
  { name: '1x1 pointwise, batch 2, no bias', x: [2, 4, 3, 3], m: 1, k: [1, 1] },
  // groups
  { name: 'group 2 with bias (bias column)', x: [1, 4, 7, 7], m: 6, k: [3, 3], group: 2, pads: [1, 1, 1, 1], bias: true },
  { name: 'group 3 without bias', x: [2, 3, 5, 6], m: 6, k: [3, 3], group: 3, strides: [2, 1], pads: [1, 0, 1, 1] },
  { name: 'grouped 1x1 with bias', x: [1, 4, 3, 5], m: 4, k: [1, 1], group: 2, bias: true },
  { name: 'depthwise multiplier 2 (general path)', x: [1, 3, 7, 7], m: 6, k: [3, 3], group: 3, pads: [1, 1, 1, 1], bias: true },
  // depthwise direct kernel
  { name: 'depthwise 3x3 s1', x: [1, 5, 17, 17], m: 5, k: [3, 3], group: 5, pads: [1, 1, 1, 1], bias: true },
  { name: 'depthwise 3x3 s2', x: [1, 4, 17, 15], m: 4, k: [3, 3], group: 4, strides: [2, 2], pads: [1, 1, 1, 1], bias: true },
  { name: 'depthwise 3x3 s2 even size (mobilenet)', x: [1, 3, 16, 16], m: 3, k: [3, 3], group: 3, strides: [2, 2], pads: [0, 0, 1, 1], bias: true },
  { name: 'depthwise 5x5 s1 no bias', x: [2, 3, 7, 9], m: 3, k: [5, 5], group: 3, pads: [2, 2, 2, 2] },
  { name: 'depthwise stride 3 (gather)', x: [1, 2, 10, 11], m: 2, k: [3, 3], group: 2, strides: [3, 3], pads: [1, 1, 1, 1], bias: true },
  { name: 'depthwise dilation 2', x: [1, 3, 9, 9], m: 3, k: [3, 3], group: 3, dilations: [2, 2], pads: [2, 2, 2, 2], bias: true },
  { name: 'depthwise widths 1 and 3', x: [1, 2, 3, 1], m: 2, k: [3, 1], group: 2, pads: [1, 0, 1, 0], bias: true },
  { name: 'depthwise no pads (in place)', x: [1, 3, 6, 7], m: 3, k: [3, 3], group: 3, bias: true },
  // 1-D
  { name: '1-D conv', x: [1, 3, 17], m: 5, k: [3], pads: [1, 1], bias: true },
  { name: '1-D depthwise stride 2', x: [1, 4, 13], m: 4, k: [3], group: 4, strides: [2], pads: [1, 1] },
  // fused epilogue
  { name: 'epilogue: relu', x: [1, 3, 7, 7], m: 5, k: [3, 3], pads: [1, 1, 1, 1], bias: true, activation: 'relu' },
  { name: 'epilogue: residual + clip', x: [1, 4, 5, 5], m: 4, k: [1, 1], bias: true, residual: true, activation: 'clip', activation_params: [0, 0.5] },
  { name: 'epilogue: depthwise residual + relu', x: [1, 3, 7, 6], m: 3, k: [3, 3], group: 3, pads: [1, 1, 1, 1], residual: true, activation: 'relu' },
  { name: 'epilogue: grouped + sigmoid', x: [1, 4, 5, 5], m: 4, k: [3, 3], group: 2, pads: [1, 1, 1, 1], bias: true, activation: 'sigmoid' },
];

describe('Conv kernel vs reference', () => {
  // These cases are about the im2col, pointwise and depthwise paths; conv-winograd.test.ts covers Winograd.
  const saved = { ...winogradLimits };
  beforeAll(() => { winogradLimits.minC = Infinity; });
  afterAll(() => Object.assign(winogradLimits, saved));
  cases.forEach((t, idx) => {
    it(t.name, async () => {
      const c = await checkConvCase('Conv', t, 1000 + idx);
      expect(c.ok, c.message).toBe(true);
    });
  });

  it('gives the same results without the Binaryen optimizer', async () => {
    const r = rng(7);
    const x = randomTensor('float32', [1, 3, 9, 9], r);
    for (const [w, attrs] of [
      [randomTensor('float32', [3, 1, 3, 3], r), { group: 3, pads: [1, 1, 1, 1], strides: [2, 2] }],
      [randomTensor('float32', [5, 3, 3, 3], r), { pads: [1, 1, 1, 1] }],
    ] as [ReturnType<typeof randomTensor>, Attrs][]) {
      const { actual, expected } = await runKernel('Conv', [{ tensor: x }, { tensor: w, constant: true }], attrs, { optimize: false });
      const c = compareTensors(actual[0]!, expected[0]!, 1e-5, 1e-5);
      expect(c.ok, c.message).toBe(true);
    }
  });
});
