// The channels-last im2col GEMM (NhwcConv, group 1) against the reference: borders, strides,
// dilations, channel runs below and above the unrolled-copy limit, partial pixel chunks, the
// cache-blocked GEMM (K > 256 or M > 512) and every epilogue combination.
import { describe, expect, it } from 'vitest';
import { Attrs } from '@onnx2wasm/ir';
import { KernelInput, compareTensors, randomTensor, rng, runKernel } from '../testing/kernel-harness.js';

interface Case {
  x: number[]; m: number; k: number[];
  strides?: number[]; pads?: number[]; dilations?: number[];
  bias?: boolean; residual?: boolean; activation?: string; activation_params?: number[];
}

const cases: Case[] = [
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

const name = (t: Case) =>
  `x [${t.x}] → ${t.m} k [${t.k}] s [${t.strides ?? 1}] pads [${t.pads ?? 0}] d [${t.dilations ?? 1}]` +
  `${t.bias ? ' bias' : ''}${t.residual ? ' + residual' : ''}${t.activation ? ` + ${t.activation}` : ''}`;

describe('NhwcConv im2col GEMM vs reference', () => {
  cases.forEach((t, idx) => {
    it(name(t), async () => {
      const r = rng(7100 + idx);
      const C = t.x[3]!;
      const inputs: (KernelInput | undefined)[] = [
        { tensor: randomTensor('float32', t.x, r) },
        { tensor: randomTensor('float32', [t.m, C, ...t.k], r), constant: true },
        t.bias ? { tensor: randomTensor('float32', [t.m], r), constant: true } : undefined,
      ];
      const attrs: Attrs = { kernel_shape: t.k };
      if (t.strides) attrs.strides = t.strides;
      if (t.pads) attrs.pads = t.pads;
      if (t.dilations) attrs.dilations = t.dilations;
      if (t.activation) attrs.activation = t.activation;
      if (t.activation_params) attrs.activation_params = t.activation_params;
      if (t.residual) {
        const probe = await runKernel('NhwcConv', inputs, attrs);
        inputs.push({ tensor: randomTensor('float32', probe.expected[0]!.dims, r) });
      }
      const { actual, expected } = await runKernel('NhwcConv', inputs, attrs);
      const c = compareTensors(actual[0]!, expected[0]!, 1e-4, 1e-5);
      expect(c.ok, c.message).toBe(true);
    });
  });
});
