import { describe, expect, it } from 'vitest';
import { Attrs } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

const cases: { op: 'MaxPool' | 'AveragePool'; name: string; x: number[]; attrs: Attrs }[] = [
  { op: 'MaxPool', name: '3x3 s2 ceil_mode (squeezenet)', x: [1, 3, 17, 17], attrs: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 } },
  { op: 'MaxPool', name: '3x3 s2 ceil_mode, even size (overhang)', x: [1, 2, 16, 14], attrs: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 } },
  { op: 'MaxPool', name: '3x3 s2 pad 1 (resnet)', x: [2, 3, 15, 17], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } },
  { op: 'MaxPool', name: '2x2 s2', x: [1, 4, 7, 9], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
  { op: 'MaxPool', name: '3x3 s1 pad 1 (in-place rows)', x: [1, 3, 7, 1], attrs: { kernel_shape: [3, 1], pads: [1, 0, 1, 0] } },
  { op: 'MaxPool', name: 'no pads stride 1 (read in place)', x: [1, 3, 6, 7], attrs: { kernel_shape: [2, 3] } },
  { op: 'MaxPool', name: 'dilation 2, stride 3', x: [1, 2, 13, 11], attrs: { kernel_shape: [3, 3], strides: [3, 3], dilations: [2, 2], pads: [1, 1, 2, 0], ceil_mode: 1 } },
  { op: 'MaxPool', name: '1-D', x: [1, 3, 17], attrs: { kernel_shape: [3], strides: [2], pads: [1, 1] } },
  { op: 'AveragePool', name: '3x3 s1 pad 1 exclude pad', x: [1, 3, 7, 9], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
  { op: 'AveragePool', name: '3x3 s2 pad 1 include pad', x: [1, 3, 9, 7], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1 } },
  { op: 'AveragePool', name: '2x2 s2 (uniform divisor)', x: [2, 3, 8, 8], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
  { op: 'AveragePool', name: 'ceil_mode overhang, include pad', x: [1, 2, 10, 8], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 0, 1, 0], ceil_mode: 1, count_include_pad: 1 } },
  { op: 'AveragePool', name: '7x7 on 7x7', x: [1, 5, 7, 7], attrs: { kernel_shape: [7, 7] } },
  { op: 'MaxPool', name: 'window of 300 taps (row loops)', x: [1, 2, 21, 25], attrs: { kernel_shape: [12, 25], strides: [2, 1], pads: [1, 0, 1, 0] } },
  { op: 'AveragePool', name: '1-D window of 300 taps (tap loops)', x: [1, 2, 311], attrs: { kernel_shape: [300], strides: [3], pads: [2, 1] } },
  { op: 'MaxPool', name: 'stride 7 (gather reads far past a row)', x: [1, 1, 15, 30], attrs: { kernel_shape: [2, 2], strides: [7, 7], pads: [0, 0, 1, 1] } },
  { op: 'AveragePool', name: '1-D stride 3', x: [1, 2, 17], attrs: { kernel_shape: [4], strides: [3], pads: [2, 1] } },
];

// The in-place direct loop (strides 1 and 2): border rows, edge vectors and partial vectors on odd sizes.
const directSizes: [number, number][] = [[1, 1], [3, 7], [7, 3], [17, 17], [2, 9], [17, 1]];
for (const [h, w] of directSizes) {
  for (const s of [1, 2]) {
    const attrs = { kernel_shape: [3, 3], strides: [s, s], pads: [0, 2, 2, 1] };
    cases.push({ op: 'MaxPool', name: `direct ${h}x${w} stride ${s} asymmetric pads`, x: [1, 3, h, w], attrs });
    cases.push({ op: 'AveragePool', name: `direct ${h}x${w} stride ${s} asymmetric pads`, x: [1, 3, h, w], attrs });
    cases.push({ op: 'AveragePool', name: `direct ${h}x${w} stride ${s} ceil_mode include pad`, x: [1, 2, h, w], attrs: { ...attrs, pads: [1, 1, 1, 1], ceil_mode: 1, count_include_pad: 1 } });
  }
}
cases.push({ op: 'MaxPool', name: 'direct 2x3 window, strides 2 and 1', x: [2, 3, 11, 13], attrs: { kernel_shape: [2, 3], strides: [2, 1], pads: [1, 0, 0, 1] } });
cases.push({ op: 'AveragePool', name: 'direct 5x5 stride 1 pad 2 (uniform rows in the middle)', x: [1, 2, 12, 21], attrs: { kernel_shape: [5, 5], pads: [2, 2, 2, 2] } });

describe('pooling kernels vs reference', () => {
  cases.forEach((t, idx) => {
    it(`${t.op}: ${t.name}`, async () => {
      const x = randomTensor('float32', t.x, rng(2000 + idx));
      const { actual, expected } = await runKernel(t.op, [{ tensor: x }], t.attrs);
      const c = compareTensors(actual[0]!, expected[0]!, 1e-5, 1e-6);
      expect(c.ok, c.message).toBe(true);
    });
  });

  for (const op of ['GlobalAveragePool', 'GlobalMaxPool']) {
    for (const dims of [[1, 5, 7, 7], [2, 3, 1, 3], [1, 17, 4, 4], [1, 2, 17]]) {
      it(`${op} [${dims}]`, async () => {
        const x = randomTensor('float32', dims, rng(dims.reduce((a, b) => a * 31 + b, 0)));
        const { actual, expected } = await runKernel(op, [{ tensor: x }]);
        const c = compareTensors(actual[0]!, expected[0]!, 1e-5, 1e-6);
        expect(c.ok, c.message).toBe(true);
      });
    }
  }

  it('MaxPool lets NaN through at the edges and in the middle (direct loop)', async () => {
    const x = randomTensor('float32', [1, 2, 9, 11], rng(6));
    for (const i of [0, 10, 50, 98, 99 + 45]) (x.data as Float32Array)[i] = NaN;
    const { actual, expected } = await runKernel('MaxPool', [{ tensor: x }], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
    const c = compareTensors(actual[0]!, expected[0]!);
    expect(c.ok, c.message).toBe(true);
  });

  it('MaxPool lets NaN through like the reference', async () => {
    const x = randomTensor('float32', [1, 1, 4, 4], rng(5));
    (x.data as Float32Array)[5] = NaN;
    const { actual, expected } = await runKernel('MaxPool', [{ tensor: x }], { kernel_shape: [2, 2], strides: [2, 2] });
    const c = compareTensors(actual[0]!, expected[0]!);
    expect(c.ok, c.message).toBe(true);
    expect(Number.isNaN(actual[0]!.data[0])).toBe(true);
  });
});
