// The scalar N-D window path (conv-nd.ts, pool-nd.ts) vs the reference: 3-D Conv, MaxPool and
// AveragePool on odd shapes with pads, strides, dilations and ceil_mode, MaxPool's Indices and
// integer dtypes, and Conv's fused epilogue.
import { describe, expect, it } from 'vitest';
import { Attrs } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

const pools: { op: 'MaxPool' | 'AveragePool'; x: number[]; attrs: Attrs; outputs?: number }[] = [
  { op: 'MaxPool', x: [1, 3, 7, 5, 6], attrs: { kernel_shape: [2, 3, 2] } },
  { op: 'MaxPool', x: [2, 1, 9, 7, 17], attrs: { kernel_shape: [3, 3, 3], strides: [2, 1, 3], pads: [1, 0, 1, 1, 2, 0], dilations: [1, 2, 1], ceil_mode: 1 } },
  { op: 'AveragePool', x: [1, 2, 7, 3, 5], attrs: { kernel_shape: [3, 2, 3], pads: [1, 1, 1, 1, 0, 1] } },
  { op: 'AveragePool', x: [1, 3, 8, 7, 1], attrs: { kernel_shape: [3, 3, 1], strides: [2, 2, 1], pads: [1, 1, 0, 1, 0, 0], count_include_pad: 1, ceil_mode: 1 } },
  { op: 'MaxPool', x: [1, 2, 3, 4, 2, 3], attrs: { kernel_shape: [2, 2, 1, 2] } },
  { op: 'MaxPool', x: [2, 3, 7, 9], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, outputs: 2 },
  { op: 'MaxPool', x: [1, 2, 5, 6, 4], attrs: { kernel_shape: [2, 3, 2], strides: [1, 2, 2], storage_order: 1 }, outputs: 2 },
  { op: 'MaxPool', x: [1, 3, 17], attrs: { kernel_shape: [3], strides: [2], pads: [1, 1] }, outputs: 2 },
];

describe('N-D window kernels vs reference', () => {
  pools.forEach((t, idx) => {
    it(`${t.op} [${t.x}] ${JSON.stringify(t.attrs)}${t.outputs ? ' with Indices' : ''}`, async () => {
      const x = randomTensor('float32', t.x, rng(3100 + idx));
      const { actual, expected } = await runKernel(t.op, [{ tensor: x }], t.attrs, { outputs: t.outputs });
      expect(actual.length).toBe(t.outputs ?? 1);
      actual.forEach((a, i) => {
        const c = compareTensors(a, expected[i]!, 1e-5, 1e-6);
        expect(c.ok, c.message).toBe(true);
      });
    });
  });

  for (const dtype of ['uint8', 'int8', 'float64'] as const) {
    it(`MaxPool ${dtype} (2-D and 3-D, with Indices)`, async () => {
      for (const [dims, attrs] of [[[1, 2, 7, 5], { kernel_shape: [3, 2], strides: [2, 1], pads: [1, 0, 1, 1] }], [[1, 1, 3, 4, 5], { kernel_shape: [2, 2, 2] }]] as const) {
        const x = randomTensor(dtype, [...dims], rng(dims.length), dtype === 'float64' ? -1 : dtype === 'int8' ? -100 : 0, dtype === 'float64' ? 1 : 120);
        const { actual, expected } = await runKernel('MaxPool', [{ tensor: x }], { ...attrs }, { outputs: 2 });
        actual.forEach((a, i) => expect(compareTensors(a, expected[i]!).ok).toBe(true));
      }
    });
  }

  it('MaxPool propagates NaN and its Indices point at the NaN', async () => {
    const x = randomTensor('float32', [1, 1, 3, 4, 5], rng(7));
    (x.data as Float32Array)[17] = NaN;
    const { actual, expected } = await runKernel('MaxPool', [{ tensor: x }], { kernel_shape: [2, 2, 2] }, { outputs: 2 });
    actual.forEach((a, i) => expect(compareTensors(a, expected[i]!).ok).toBe(true));
  });

  const convs: { x: number[]; w: number[]; bias: boolean; attrs: Attrs }[] = [
    { x: [1, 3, 5, 6, 7], w: [4, 3, 3, 3, 3], bias: true, attrs: {} },
    { x: [2, 4, 7, 5, 9], w: [6, 2, 2, 3, 1], bias: true, attrs: { group: 2, strides: [2, 1, 3], pads: [1, 0, 2, 0, 1, 1], dilations: [2, 1, 1] } },
    { x: [1, 1, 3, 17, 1], w: [3, 1, 1, 3, 1], bias: false, attrs: { pads: [0, 1, 0, 0, 1, 0] } },
    { x: [1, 3, 3, 3, 3], w: [3, 1, 2, 2, 2], bias: false, attrs: { group: 3, strides: [2, 2, 2], pads: [1, 1, 1, 1, 1, 1] } },
  ];
  it('3-D Conv with a fused residual and activation (relu, sigmoid)', async () => {
    for (const activation of ['relu', 'sigmoid']) {
      const r = rng(activation.length);
      const inputs = [
        { tensor: randomTensor('float32', [1, 2, 4, 5, 3], r) },
        { tensor: randomTensor('float32', [3, 2, 2, 2, 2], r), constant: true },
        { tensor: randomTensor('float32', [3], r), constant: true },
        { tensor: randomTensor('float32', [1, 3, 3, 4, 2], r) },
      ];
      const { actual, expected } = await runKernel('Conv', inputs, { activation });
      const c = compareTensors(actual[0]!, expected[0]!, 1e-4, 1e-5);
      expect(c.ok, c.message).toBe(true);
    }
  });

  convs.forEach((t, idx) => {
    it(`Conv [${t.x}] * [${t.w}] ${JSON.stringify(t.attrs)}`, async () => {
      const r = rng(3200 + idx);
      const inputs = [{ tensor: randomTensor('float32', t.x, r) }, { tensor: randomTensor('float32', t.w, r), constant: true }];
      if (t.bias) inputs.push({ tensor: randomTensor('float32', [t.w[0]!], r), constant: true });
      const { actual, expected } = await runKernel('Conv', inputs, t.attrs);
      const c = compareTensors(actual[0]!, expected[0]!, 1e-4, 1e-5);
      expect(c.ok, c.message).toBe(true);
    });
  });
});
