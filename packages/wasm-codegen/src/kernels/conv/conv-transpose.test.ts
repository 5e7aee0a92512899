import { describe, expect, it } from 'vitest';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

const natural = (inLen: number, k: number, s: number, d: number, pb: number, pe: number, op = 0) => s * (inLen - 1) + op + (k - 1) * d + 1 - pb - pe;

describe('ConvTranspose kernel vs reference', () => {
  const cases: { x: number[]; w: number[]; group?: number; strides?: number[]; dilations?: number[]; pads?: number[]; out?: number[]; bias?: boolean; constW?: boolean }[] = [
    { x: [1, 1, 3, 3], w: [1, 2, 3, 3] },
    { x: [2, 3, 7], w: [3, 5, 3], strides: [2], bias: true, constW: true },
    { x: [1, 4, 5, 4], w: [4, 3, 3, 2], group: 2, strides: [3, 2], pads: [1, 0, 1, 1], bias: true },
    { x: [1, 1, 3, 3], w: [1, 1, 2, 2], dilations: [2, 2] },
    { x: [1, 2, 3, 4, 5], w: [2, 1, 3, 3, 3], strides: [1, 2, 1], constW: true },
    { x: [1, 1, 3, 3], w: [1, 2, 3, 3], strides: [3, 2], out: [10, 8] },
    { x: [3, 17, 1], w: [17, 1, 1], group: 17, bias: true },
  ];
  for (const t of cases) {
    it(`X [${t.x}] W [${t.w}] ${JSON.stringify({ g: t.group, s: t.strides, d: t.dilations, p: t.pads, o: t.out })}`, async () => {
      const r = rng(t.x.reduce((a, b) => a * 3 + b, t.w.length));
      const rank = t.x.length - 2;
      const strides = t.strides ?? new Array(rank).fill(1), dilations = t.dilations ?? new Array(rank).fill(1);
      const pads = t.pads ?? new Array(2 * rank).fill(0);
      const outShape = t.out ?? t.x.slice(2).map((d, a) => natural(d, t.w[a + 2]!, strides[a]!, dilations[a]!, pads[a]!, pads[a + rank]!));
      const group = t.group ?? 1;
      const inputs = [
        { tensor: randomTensor('float32', t.x, r) },
        { tensor: randomTensor('float32', t.w, r), constant: t.constW },
        ...(t.bias ? [{ tensor: randomTensor('float32', [t.w[1]! * group], r) }] : []),
      ];
      const { actual, expected } = await runKernel('ConvTranspose', inputs, { strides, dilations, group, pads_begin: pads.slice(0, rank), output_shape: outShape });
      const c = compareTensors(actual[0]!, expected[0]!, 1e-5, 1e-6);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
