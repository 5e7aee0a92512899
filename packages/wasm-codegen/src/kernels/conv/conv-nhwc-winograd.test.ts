// Channels-last Winograd (NhwcConv, 3x3 stride 1) against the reference, F(2x2) and F(4x4) forced
// through winogradLimits: partial tiles, channel counts off whole vectors and panels, batch 2,
// asymmetric pads, every epilogue, the cache-blocked GEMM (C > kc, M > nc and M > 512).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSingleNodeGraph, randomTensor, rng } from '../../testing/kernel-harness.js';
import { ConvCase, checkConvCase } from '../../testing/conv-case.js';
import { generateModule } from '../../generate-module.js';
import { winogradLimits } from './conv-winograd.js';
import { nhwcWinogradPlanOf, nhwcWinogradTuning } from './conv-nhwc-winograd.js';
import { DEFAULT_BLOCKING } from '../emit/gemm-blocked.js';

/** 3x3 convs (k added below); x is [N, H, W, C]. */
type Case = Omit<ConvCase, 'k'> & { name: string };

const cases: Case[] = [
  { name: '1 channel, 3x3 input, pads 1', x: [1, 3, 3, 1], m: 1, pads: [1, 1, 1, 1], bias: true },
  { name: '1x1 input, pads 1 (one partial tile)', x: [1, 1, 1, 3], m: 3, pads: [1, 1, 1, 1], bias: true },
  { name: '7x7, 3 -> 17, pads 1', x: [1, 7, 7, 3], m: 17, pads: [1, 1, 1, 1], bias: true },
  { name: '17x17, 17 -> 3, no pads (odd output 15)', x: [1, 17, 17, 17], m: 3 },
  { name: '3x3 input, no pads (one output pixel)', x: [1, 3, 3, 7], m: 9 },
  { name: 'asymmetric pads', x: [1, 7, 17, 3], m: 7, pads: [0, 1, 2, 0], bias: true },
  { name: 'asymmetric pads, other side', x: [1, 17, 7, 17], m: 17, pads: [1, 0, 0, 1] },
  { name: 'batch 2', x: [2, 7, 17, 3], m: 17, pads: [1, 1, 1, 1], bias: true },
  { name: '64 -> 64 at 19x19 (several bands and a tail band)', x: [1, 19, 19, 64], m: 64, pads: [1, 1, 1, 1], bias: true },
  { name: '64 -> 17 at 41x41', x: [1, 41, 41, 64], m: 17, pads: [1, 1, 1, 1], bias: true },
  { name: 'bias + residual + relu', x: [1, 7, 7, 17], m: 17, pads: [1, 1, 1, 1], bias: true, residual: true, activation: 'relu' },
  { name: 'residual + clip, odd size, batch 2', x: [2, 17, 7, 3], m: 3, pads: [1, 1, 1, 1], residual: true, activation: 'clip', activation_params: [-0.2, 0.3] },
  { name: 'sigmoid (shared helper)', x: [1, 7, 7, 3], m: 17, pads: [1, 1, 1, 1], bias: true, activation: 'sigmoid' },
  { name: 'C 300 (depth chunks), M 70 (column chunks + tail)', x: [1, 9, 9, 300], m: 70, pads: [1, 1, 1, 1], bias: true, residual: true, activation: 'relu' },
  { name: 'M 520 > 512, C 9', x: [1, 5, 6, 9], m: 520, pads: [1, 1, 1, 1], bias: true },
];

const variants = [
  { variant: 'F(2x2, 3x3)', f4Multiplies: 0, atolOfMax: 0 },
  { variant: 'F(4x4, 3x3)', f4Multiplies: Infinity, atolOfMax: 2e-5 },
];
describe.each(variants)('NHWC Winograd $variant vs reference', ({ f4Multiplies, atolOfMax }) => {
  const saved = { ...winogradLimits };
  beforeAll(() => Object.assign(winogradLimits, { minC: 1, minM: 1, maxMultiplies: Infinity, f4Multiplies }));
  afterAll(() => Object.assign(winogradLimits, saved));

  cases.forEach((t, idx) => {
    it(t.name, async () => {
      const c = await checkConvCase('NhwcConv', { ...t, k: [3, 3] }, 3000 + idx, { rtol: 1e-4, atolOfMax });
      expect(c.ok, c.message).toBe(true);
    });
  });
});

describe('NHWC Winograd dispatch', () => {
  const shape = (H: number, stride = 1) => ({ H, W: H, OH: H, OW: H, kh: 3, kw: 3, sh: stride, sw: stride, dh: 1, dw: 1, pt: 1, pl: 1, Hp: H + 2, Wp: H + 2 });
  it('takes the convs NCHW Conv runs as Winograd, and only those', () => {
    expect(nhwcWinogradPlanOf(shape(56), 64, 64, 1, true)?.t.m).toBe(4);
    expect(nhwcWinogradPlanOf(shape(7), 512, 512, 1, true)?.t.m).toBe(2);
    expect(nhwcWinogradPlanOf(shape(56), 64, 64, 1, false)).toBeUndefined();
    expect(nhwcWinogradPlanOf(shape(56, 2), 64, 64, 1, true)).toBeUndefined();
    expect(nhwcWinogradPlanOf(shape(224), 3, 64, 1, true)).toBeUndefined();
  });
  it('blocks the GEMM for L1 on large planes, by the default on bands of few tiles', () => {
    expect(nhwcWinogradPlanOf(shape(56), 64, 64, 1, true)?.blocking).toEqual({ kc: nhwcWinogradTuning.kc, nc: nhwcWinogradTuning.nc });
    expect(nhwcWinogradPlanOf(shape(14), 256, 256, 1, true)?.blocking).toEqual(DEFAULT_BLOCKING);
  });
  it('ships the 3x3 filters and transforms them at load time', async () => {
    const r = rng(6);
    const C = 16, M = 16;
    const g = buildSingleNodeGraph('NhwcConv', [
      { tensor: randomTensor('float32', [1, 28, 28, C], r) },
      { tensor: randomTensor('float32', [M, C, 3, 3], r), constant: true },
    ], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
    const gen = generateModule(g);
    expect(gen.weights.byteLength).toBe(4 * M * C * 9);
  });
});
