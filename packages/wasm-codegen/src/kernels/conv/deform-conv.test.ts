import { describe, expect, it } from 'vitest';
import { Attrs } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

const cases: { x: number[]; w: number[]; out: [number, number]; attrs: Attrs; bias?: boolean; mask?: boolean }[] = [
  { x: [1, 1, 3, 3], w: [1, 1, 2, 2], out: [2, 2], attrs: {} },
  { x: [2, 4, 7, 5], w: [6, 2, 3, 3], out: [4, 3], attrs: { group: 2, offset_group: 2, strides: [2, 2], pads: [1, 1, 1, 1] }, bias: true, mask: true },
  { x: [1, 3, 17, 1], w: [2, 3, 3, 1], out: [15, 1], attrs: { offset_group: 3 }, mask: true },
  { x: [1, 2, 6, 7], w: [3, 2, 2, 2], out: [3, 6], attrs: { dilations: [2, 1], pads: [0, 0, 1, 0] }, bias: true },
];

describe('DeformConv kernel vs reference', () => {
  cases.forEach((t, idx) => {
    it(`X [${t.x}] W [${t.w}] ${JSON.stringify(t.attrs)}`, async () => {
      const r = rng(900 + idx);
      const og = Number(t.attrs.offset_group ?? 1), taps = t.w[2]! * t.w[3]!;
      const [N] = t.x as [number];
      const inputs = [
        { tensor: randomTensor('float32', t.x, r) },
        { tensor: randomTensor('float32', t.w, r), constant: true },
        // Offsets up to ±2 pixels push taps across the borders.
        { tensor: randomTensor('float32', [N, og * taps * 2, ...t.out], r, -2, 2) },
        t.bias ? { tensor: randomTensor('float32', [t.w[0]!], r), constant: true } : undefined,
        t.mask ? { tensor: randomTensor('float32', [N, og * taps, ...t.out], r, 0, 1) } : undefined,
      ];
      const { actual, expected } = await runKernel('DeformConv', inputs, { kernel_shape: t.w.slice(2), strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], group: 1, offset_group: 1, ...t.attrs });
      const c = compareTensors(actual[0]!, expected[0]!, 1e-4, 1e-5);
      expect(c.ok, c.message).toBe(true);
    });
  });
});
