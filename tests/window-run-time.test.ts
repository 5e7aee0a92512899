// HannWindow, HammingWindow and BlackmanWindow with their size fed at run time: one compiled model
// per op and mode serves every size (no value variants), compared with onnxruntime-node; a
// negative size gives an empty window.
import { describe, expect, it } from 'vitest';
import { compile } from 'onnx2wasm';
import { loadModel, type Tensor } from '@onnx2wasm/runtime';
import { buildModel, intAttr } from './support/onnx-builder.js';
import { expectSameAsOrt } from './support/ort-compare.js';

const INT64 = 7, DOUBLE = 11;
const size = (n: number): Tensor => ({ dtype: 'int64', dims: [], data: BigInt64Array.of(BigInt(n)) });

describe.each(['HannWindow', 'HammingWindow', 'BlackmanWindow'])('%s with a run-time size', (op) => {
  it.each([1, 0])('periodic=%i: sizes 8, 33, 2, 200 and 8 again from one compile, like onnxruntime', async (periodic) => {
    const bytes = buildModel({
      opset: 17,
      inputs: [{ name: 'n', dims: [], elemType: INT64 }],
      outputs: [{ name: 'w', dims: ['len'] }],
      nodes: [{ op, inputs: ['n'], outputs: ['w'], name: 'window', attrs: [intAttr('periodic', periodic)] }],
    });
    const c = await compile(bytes, { verify: true });
    expect(c.summary.valueVariants).toBeUndefined();
    const model = await loadModel({ wasm: c.wasm, weights: c.weights });
    for (const n of [8, 33, 2, 200, 8]) {
      const out = await expectSameAsOrt(model, bytes, { n: size(n) }, 1e-6);
      expect(out.w!.dims).toEqual([n]);
    }
  });

  // onnxruntime computes the window in float32 and widens it, so float64 outputs agree to ~2e-8.
  it('float64 output', async () => {
    const bytes = buildModel({
      opset: 17,
      inputs: [{ name: 'n', dims: [], elemType: INT64 }],
      outputs: [{ name: 'w', dims: ['len'], elemType: DOUBLE }],
      nodes: [{ op, inputs: ['n'], outputs: ['w'], name: 'window', attrs: [intAttr('output_datatype', DOUBLE)] }],
    });
    const c = await compile(bytes);
    const model = await loadModel({ wasm: c.wasm, weights: c.weights });
    for (const n of [16, 5]) await expectSameAsOrt(model, bytes, { n: size(n) }, 1e-7);
  });
});
