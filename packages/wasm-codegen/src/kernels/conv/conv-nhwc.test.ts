// The channels-last im2col GEMM (NhwcConv, group 1) against the reference: borders, strides,
// dilations, channel runs below and above the unrolled-copy limit, partial pixel chunks, the
// cache-blocked GEMM (K > 256 or M > 512) and every epilogue combination.
import { describe, expect, it } from 'vitest';
import { ConvCase, checkConvCase, convCaseName } from '../../testing/conv-case.js';

const cases: ConvCase[] = [
  { x: [1, 7, 9, 3], m: 8, k: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], bias: true },
  { x: [1, 17, 17, 3], m: 32, k: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], bias: true, activation: 'clip', activation_params: [0, 6] },
  { x: [2, 5, 6, 4], m: 7, k: [3, 3], pads: [1, 0, 2, 1], bias: true, residual: true, activation: 'relu' },
  { x: [1, 9, 9, 17], m: 5, k: [2, 3], dilations: [2, 1], strides: [1, 2] },
  { x: [1, 8, 8, 40], m: 12, k: [1, 1], strides: [2, 2], bias: true },
  { x: [1, 3, 1, 1], m: 3, k: [1, 1], bias: true },
  { x: [1, 20, 20, 8], m: 16, k: [3, 3], pads: [1, 1, 1, 1], residual: true },
  { x: [1, 6, 6, 64], m: 24, k: [3, 3], pads: [1, 1, 1, 1], bias: true, activation: 'relu' },
  { x: [1, 5, 5, 8], m: 600, k: [1, 1], strides: [2, 2], bias: true, residual: true, activation: 'relu' },
  { x: [1, 4, 4, 70], m: 9, k: [2, 2], residual: true },
  { x: [1, 7, 7, 5], m: 4, k: [7, 7], pads: [3, 3, 3, 3], bias: true, activation: 'sigmoid' },
];

describe('NhwcConv im2col GEMM vs reference', () => {
  cases.forEach((t, idx) => {
    it(convCaseName(t), async () => {
      const c = await checkConvCase('NhwcConv', t, 7100 + idx, { rtol: 1e-4 });
      expect(c.ok, c.message).toBe(true);
    });
  });
});
