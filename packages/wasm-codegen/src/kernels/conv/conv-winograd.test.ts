import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSingleNodeGraph, randomTensor, rng } from '../../testing/kernel-harness.js';
import { ConvCase, checkConvCase } from '../../testing/conv-case.js';
import { generateModule } from '../../generate-module.js';
import { winogradLimits, winogradPlanOf } from './conv-winograd.js';

/** 3x3 convs (k added below); x is [N, C, H, W]. */
type Case = Omit<ConvCase, 'k'> & { name: string };

const cases: Case[] = [
  { name: '1 channel, 3x3 input, pads 1', x: [1, 1, 3, 3], m: 1, pads: [1, 1, 1, 1], bias: true },
  { name: '1x1 input, pads 1 (one partial tile)', x: [1, 3, 1, 1], m: 3, pads: [1, 1, 1, 1], bias: true },
  { name: '7x7, 3 -> 17, pads 1', x: [1, 3, 7, 7], m: 17, pads: [1, 1, 1, 1], bias: true },
  { name: '17x17, 17 -> 3, no pads (odd output 15)', x: [1, 17, 17, 17], m: 3 },
  { name: '3x3 input, no pads (one output pixel)', x: [1, 3, 3, 3], m: 3 },
  { name: 'asymmetric pads', x: [1, 3, 7, 17], m: 3, pads: [0, 1, 2, 0], bias: true },
  { name: 'asymmetric pads, other side', x: [1, 17, 17, 7], m: 17, pads: [1, 0, 0, 1] },
  { name: 'batch 2', x: [2, 3, 7, 17], m: 17, pads: [1, 1, 1, 1], bias: true },
  { name: '64 -> 64 at 19x19 (bands of 3 tile rows and a tail of 1)', x: [1, 64, 19, 19], m: 64, pads: [1, 1, 1, 1], bias: true },
  { name: '64 -> 17 at 41x41 (a tail band in both variants)', x: [1, 64, 41, 41], m: 17, pads: [1, 1, 1, 1], bias: true },
  { name: 'wide rows: 64 -> 3 at 3x41', x: [1, 64, 3, 41], m: 3, pads: [1, 1, 1, 1], bias: true },
  { name: 'bias + residual + relu', x: [1, 17, 7, 7], m: 17, pads: [1, 1, 1, 1], bias: true, residual: true, activation: 'relu' },
  { name: 'residual + clip, odd size', x: [2, 3, 17, 7], m: 3, pads: [1, 1, 1, 1], residual: true, activation: 'clip', activation_params: [-0.2, 0.3] },
  { name: 'sigmoid (shared helper)', x: [1, 3, 7, 7], m: 17, pads: [1, 1, 1, 1], bias: true, activation: 'sigmoid' },
];

// f4Multiplies 0 never takes F(4x4); Infinity always does. F(4x4)'s transforms (constants up to 8
// and 1/24) cancel larger intermediate terms, so its error scales with the largest output, not
// with each output: near-zero outputs get an absolute tolerance relative to max |expected|.
const variants = [
  { variant: 'F(2x2, 3x3)', f4Multiplies: 0, atolOfMax: 0 },
  { variant: 'F(4x4, 3x3)', f4Multiplies: Infinity, atolOfMax: 2e-5 },
];
describe.each(variants)('Winograd $variant conv vs reference', ({ f4Multiplies, atolOfMax }) => {
  // Send every 3x3 stride-1 conv down the Winograd path, whatever its size.
  const saved = { ...winogradLimits };
  beforeAll(() => Object.assign(winogradLimits, { minC: 1, minM: 1, maxMultiplies: Infinity, f4Multiplies }));
  afterAll(() => Object.assign(winogradLimits, saved));

  cases.forEach((t, idx) => {
    it(t.name, async () => {
      const c = await checkConvCase('Conv', { ...t, k: [3, 3] }, 2000 + idx, { rtol: 1e-4, atolOfMax });
      expect(c.ok, c.message).toBe(true);
    });
  });
});

describe('Winograd dispatch', () => {
  const shape = (H: number, stride = 1) => ({ H, W: H, OH: H, OW: H, kh: 3, kw: 3, sh: stride, sw: stride, dh: 1, dw: 1, pt: 1, pl: 1, Hp: H + 2, Wp: H + 2 });
  it('takes ResNet-sized 3x3 stride-1 layers', () => {
    expect(winogradPlanOf(shape(56), 64, 64, 1, true)).toBeDefined();
    expect(winogradPlanOf(shape(7), 512, 512, 1, true)?.rows).toBe(4);
    expect(winogradPlanOf(shape(56), 64, 64, 1, true)?.t.m).toBe(4);
    expect(winogradPlanOf(shape(7), 512, 512, 1, true)?.t.m).toBe(2); // 2x2 tiles of F(4x4) waste most of 8x8
  });
  it('leaves the rest to im2col', () => {
    expect(winogradPlanOf(shape(56), 64, 64, 1, false)).toBeUndefined(); // run-time weights
    expect(winogradPlanOf(shape(56, 2), 64, 64, 1, true)).toBeUndefined();
    expect(winogradPlanOf(shape(56), 64, 64, 2, true)).toBeUndefined();
    expect(winogradPlanOf(shape(224), 3, 64, 1, true)).toBeUndefined(); // too few channels
    expect(winogradPlanOf(shape(3), 256, 256, 1, true)).toBeUndefined(); // partial tiles waste the savings
  });
});

describe('Winograd filters are transformed at load time', () => {
  it('ships the 3x3 filters, not the transformed ones, and exports init()', async () => {
    const r = rng(5);
    const C = 16, M = 16;
    const g = buildSingleNodeGraph('Conv', [
      { tensor: randomTensor('float32', [1, C, 28, 28], r) },
      { tensor: randomTensor('float32', [M, C, 3, 3], r), constant: true },
    ], { pads: [1, 1, 1, 1] });
    const gen = generateModule(g);
    expect(gen.weights.byteLength).toBe(4 * M * C * 9);
    const module = await WebAssembly.compile(gen.wasm as Uint8Array<ArrayBuffer>);
    expect(WebAssembly.Module.exports(module).map((e) => e.name)).toContain('init');
  });
});
