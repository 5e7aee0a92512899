import { describe, expect, it } from 'vitest';
import { Node, makeTensor } from '@onnx2wasm/ir';
import { compareTensors, rng, runKernel } from '../../testing/kernel-harness.js';
import { int8WinogradPlanOf } from './winograd-conv.js';

// Which 8-bit convs take the integer Winograd (their results are checked bit for bit in
// qlinear-conv.test.ts): the exactness bound on C, the geometry, and the dispatch limits.
const conv = (attrs: Record<string, number | number[]> = {}): Node =>
  ({ name: 'c', op: 'QLinearConv', inputs: [], outputs: ['y'], attrs: { pads: [1, 1, 1, 1], strides: [1, 1], dilations: [1, 1], group: 1, ...attrs } }) as Node;
const plan = (C: number, M: number, H: number, attrs: Record<string, number | number[]> = {}, signedWeights = true) => {
  const s = Array.isArray(attrs.strides) ? attrs.strides[0]! : 1;
  const OH = Math.floor((H + 2 - 3) / s) + 1;
  return int8WinogradPlanOf(conv(attrs), [1, C, H, H], [M, C, 3, 3], [1, M, OH, OH], signedWeights);
};

describe('int8 Winograd dispatch', () => {
  it('takes resnet18 and squeezenet1_1 3x3 stride-1 layers', () => {
    for (const [C, M, H] of [[64, 64, 56], [128, 128, 28], [256, 256, 14], [512, 512, 7], [16, 64, 55], [32, 128, 27], [64, 256, 13]]) {
      expect(plan(C!, M!, H!), `${C}→${M} @ ${H}`).toBeDefined();
    }
  });

  it('bands of 4 tile rows at 56x56: 4 × 28 tiles fill 7 blocks of 16 exactly', () => {
    expect(plan(64, 64, 56)).toMatchObject({ TW: 28, TWp: 28, rows: 4, blocks: 7 });
  });

  it('keeps im2col where Winograd loses or does not apply', () => {
    expect(plan(256, 256, 3)).toBeUndefined(); // one 16-tile block for 4 tiles
    expect(plan(128, 128, 4)).toBeUndefined();
    expect(plan(4, 64, 56)).toBeUndefined(); // too few channels
    expect(plan(64, 64, 56, { strides: [2, 2] })).toBeUndefined();
    expect(plan(64, 64, 56, { dilations: [2, 2], pads: [2, 2, 2, 2] })).toBeUndefined();
    expect(plan(64, 64, 56, { winograd: 0 })).toBeUndefined(); // the lean kernels
    expect(plan(256, 256, 3, { winograd: 1 })).toBeDefined(); // forced
  });

  it('stays within the int32 bound 4 · 9 · C · 255 · max|w| < 2^31', () => {
    expect(plan(1827, 8, 8)).toBeDefined();
    expect(plan(1828, 8, 8)).toBeUndefined();
    expect(plan(917, 8, 8, {}, false)).toBeDefined(); // uint8 weights: max |w| = 255
    expect(plan(918, 8, 8, {}, false)).toBeUndefined();
  });
});

describe('int8 Winograd at the int32 edge', () => {
  // C = 1800 channels of x near 255 against weights near -128: |4 · sum| ≈ 2.05e9, within 5% of
  // 2^31, and so are the transformed sums (an exhaustive search over 0/255 tiles and ±128 filters
  // repeated over 1800 channels found intermediates of at most 0.985 · 2^31: wrapping is what the
  // argument allows, not what happens). The bias recentres the outputs so they spread over the
  // 8-bit range instead of saturating.
  it('x [1, 1800, 6, 6] uint8 near 255 · w [3, 1800, 3, 3] near -128, bit for bit', async () => {
    const r = rng(77);
    const C = 1800, M = 3, x = Array.from({ length: C * 36 }, () => 250 + Math.floor(r() * 6));
    const w = Array.from({ length: M * C * 9 }, () => -128 + Math.floor(r() * 6));
    const mean = -9 * C * 252.5 * 125.5;
    const inputs = [
      { tensor: makeTensor('uint8', [1, C, 6, 6], x) },
      { tensor: makeTensor('float32', [], [1]), constant: true },
      { tensor: makeTensor('uint8', [], [0]), constant: true },
      { tensor: makeTensor('int8', [M, C, 3, 3], w), constant: true },
      { tensor: makeTensor('float32', [], [1]), constant: true },
      { tensor: makeTensor('int8', [], [0]), constant: true },
      { tensor: makeTensor('float32', [], [3000]), constant: true },
      { tensor: makeTensor('uint8', [], [128]), constant: true },
      { tensor: makeTensor('int32', [M], new Array(M).fill(-Math.round(mean))), constant: true },
    ];
    const { actual, expected } = await runKernel('QLinearConv', inputs, { pads: [0, 0, 0, 0], strides: [1, 1], dilations: [1, 1], group: 1, winograd: 1 });
    const c = compareTensors(actual[0]!, expected[0]!);
    expect(c.ok, c.message).toBe(true);
    const v = Array.from(expected[0]!.data as ArrayLike<number>);
    expect(new Set(v).size).toBeGreaterThan(10);
    expect(v.some((y) => y === 0 || y === 255)).toBe(false);
  });
});
