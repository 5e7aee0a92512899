// Convolutions of any kernel size and dimensionality: windows past the unrolled-tap limit (an STFT
// written as a 1x512 Conv, a wide depthwise filter) and 3-D 7x7x7 kernels match onnxruntime-node.
import { describe, it } from 'vitest';
import { compile } from 'onnx2wasm';
import { loadModel } from '@onnx2wasm/runtime';
import { buildModel, intAttr, intsAttr } from './support/onnx-builder.js';
import { seededInput } from './support/models.js';
import { expectSameAsOrt } from './support/ort-compare.js';

interface ConvCase { name: string; x: number[]; w: number[]; attrs: ReturnType<typeof intAttr>[]; y: (number | string)[]; bias?: boolean }

const cases: ConvCase[] = [
  { name: 'STFT-like 1-D conv, 1x512 kernel, stride 128', x: [1, 1, 4096], w: [66, 1, 512], attrs: [intsAttr('strides', [128])], y: [1, 66, 29], bias: true },
  { name: '1-D conv, 512 taps, stride 256, padded, two input channels', x: [2, 2, 3000], w: [24, 2, 512], attrs: [intsAttr('strides', [256]), intsAttr('pads', [256, 256])], y: [2, 24, 12] },
  { name: '2-D conv with a 1x512 kernel, stride [1, 256]', x: [1, 3, 2, 2048], w: [8, 3, 1, 512], attrs: [intsAttr('strides', [1, 256])], y: [1, 8, 2, 7], bias: true },
  { name: '2-D conv with a 17x17 kernel (289 taps), grouped', x: [1, 4, 24, 24], w: [6, 2, 17, 17], attrs: [intAttr('group', 2), intsAttr('pads', [8, 8, 8, 8])], y: [1, 6, 24, 24], bias: true },
  { name: 'depthwise 1-D conv with 300 taps', x: [1, 4, 1024], w: [4, 1, 300], attrs: [intAttr('group', 4), intsAttr('strides', [7])], y: [1, 4, 104] },
  { name: '3-D conv with a 7x7x7 kernel', x: [1, 2, 10, 10, 10], w: [4, 2, 7, 7, 7], attrs: [intsAttr('pads', [3, 3, 3, 3, 3, 3])], y: [1, 4, 10, 10, 10], bias: true },
  { name: '3-D conv with a 7x7x7 kernel, stride 2', x: [1, 1, 15, 15, 15], w: [3, 1, 7, 7, 7], attrs: [intsAttr('strides', [2, 2, 2])], y: [1, 3, 5, 5, 5] },
];

describe('convolutions of any kernel size', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const bytes = buildModel({
        inputs: [{ name: 'x', dims: c.x }],
        outputs: [{ name: 'y', dims: c.y }],
        initializers: [
          { name: 'w', dims: c.w, values: seededInput(c.w, 7).map((v) => v / 8) },
          ...(c.bias ? [{ name: 'b', dims: [c.w[0]!], values: seededInput([c.w[0]!], 8) }] : []),
        ],
        nodes: [{ op: 'Conv', inputs: c.bias ? ['x', 'w', 'b'] : ['x', 'w'], outputs: ['y'], attrs: c.attrs }],
      });
      const compiled = await compile(bytes, { verify: true });
      const model = await loadModel({ wasm: compiled.wasm, weights: compiled.weights });
      await expectSameAsOrt(model, bytes, { x: { dtype: 'float32', dims: c.x, data: seededInput(c.x, 1) } }, 1e-4);
    });
  }
});
