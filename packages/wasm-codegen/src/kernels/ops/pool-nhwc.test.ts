// Channels-last pools against the reference (the NCHW pool through transposes): odd image sizes,
// channel counts around the vector width, strides, dilations, asymmetric pads, ceil_mode overhangs.
import { describe, expect, it } from 'vitest';
import { Attrs } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

type Op = 'NhwcMaxPool' | 'NhwcAveragePool';
const cases: { op: Op; name: string; x: number[]; attrs: Attrs }[] = [];
const both = (name: string, x: number[], attrs: Attrs) => {
  cases.push({ op: 'NhwcMaxPool', name, x, attrs }, { op: 'NhwcAveragePool', name, x, attrs });
};

const sizes: [number, number][] = [[1, 1], [3, 7], [7, 3], [17, 17], [2, 9]];
const channels = [1, 3, 4, 7, 8, 17, 32];
sizes.forEach(([h, w], i) => {
  for (const s of [1, 2, 3]) {
    const C = channels[(i * 3 + s) % channels.length]!;
    both(`3x3 ${h}x${w} C=${C} stride ${s} asymmetric pads`, [1, h, w, C], { kernel_shape: [3, 3], strides: [s, s], pads: [0, 2, 2, 1] });
  }
});
for (const C of channels) both(`3x3 s2 pad 1 C=${C}`, [1, 9, 8, C], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
both('dilation 2, stride 3, ceil_mode', [1, 13, 11, 5], { kernel_shape: [3, 3], strides: [3, 3], dilations: [2, 2], pads: [1, 1, 2, 0], ceil_mode: 1 });
both('2x2 s2 batch 2', [2, 7, 9, 6], { kernel_shape: [2, 2], strides: [2, 2] });
both('3x3 s2 ceil_mode, even size (overhang)', [1, 16, 14, 3], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 });
both('strides 2 and 1, 2x3 window', [2, 11, 13, 9], { kernel_shape: [2, 3], strides: [2, 1], pads: [1, 0, 0, 1] });
both('5x5 pad 2 on 12x21', [1, 12, 21, 4], { kernel_shape: [5, 5], pads: [2, 2, 2, 2] });
both('7x7 on 7x7', [1, 7, 7, 17], { kernel_shape: [7, 7] });
both('two channel tiles and the tail', [1, 6, 7, 150], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
both('more border rows and columns than unrolled', [1, 13, 14, 5], { kernel_shape: [3, 3], dilations: [5, 5], pads: [5, 6, 5, 5] });
cases.push({ op: 'NhwcAveragePool', name: '3x3 s2 pad 1 include pad', x: [1, 9, 7, 7], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1 } });
cases.push({ op: 'NhwcAveragePool', name: 'ceil_mode overhang, include pad', x: [1, 10, 8, 5], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 0, 1, 0], ceil_mode: 1, count_include_pad: 1 } });
cases.push({ op: 'NhwcAveragePool', name: 'dilation 2 include pad, batch 2', x: [2, 9, 10, 7], attrs: { kernel_shape: [3, 2], dilations: [2, 2], pads: [2, 1, 1, 2], count_include_pad: 1 } });

describe('channels-last pools vs reference', () => {
  cases.forEach((t, idx) => {
    it(`${t.op}: ${t.name}`, async () => {
      const x = randomTensor('float32', t.x, rng(7000 + idx));
      const { actual, expected } = await runKernel(t.op, [{ tensor: x }], t.attrs);
      const c = compareTensors(actual[0]!, expected[0]!, 1e-5, 1e-6);
      expect(c.ok, c.message).toBe(true);
    });
  });

  it('NhwcMaxPool lets NaN win, in the interior and at the border', async () => {
    const x = randomTensor('float32', [1, 9, 11, 5], rng(6));
    for (const i of [0, 12, 250, 494]) (x.data as Float32Array)[i] = NaN;
    const { actual, expected } = await runKernel('NhwcMaxPool', [{ tensor: x }], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
    const c = compareTensors(actual[0]!, expected[0]!);
    expect(c.ok, c.message).toBe(true);
    expect(Array.from(actual[0]!.data as Float32Array).some(Number.isNaN)).toBe(true);
  });

  for (const op of ['NhwcGlobalAveragePool', 'NhwcGlobalMaxPool']) {
    for (const dims of [[1, 7, 7, 5], [2, 1, 3, 3], [1, 4, 4, 17], [1, 3, 3, 32], [2, 3, 5, 33], [1, 2, 2, 40], [1, 1, 1, 1], [2, 7, 1, 71]]) {
      it(`${op} [${dims}]`, async () => {
        const x = randomTensor('float32', dims, rng(dims.reduce((a, b) => a * 31 + b, 0)));
        if (op === 'NhwcGlobalMaxPool' && dims[3]! > 8) (x.data as Float32Array)[dims[3]! + 6] = NaN;
        const { actual, expected } = await runKernel(op, [{ tensor: x }]);
        const c = compareTensors(actual[0]!, expected[0]!, 1e-5, 1e-6);
        expect(c.ok, c.message).toBe(true);
      });
    }
  }

  it('refuses other dtypes with a typed error', async () => {
    const x = randomTensor('float64', [1, 5, 5, 3], rng(1));
    await expect(runKernel('NhwcMaxPool', [{ tensor: x }], { kernel_shape: [2, 2] })).rejects.toThrow(/NhwcMaxPool node .*float64 is not supported/);
  });
});
