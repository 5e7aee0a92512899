// Every model in ../shared/models/quantized (int8 QDQ, QOperator, dynamic; float16) compiles, keeps
// its weights file within 1.1x the .onnx, and matches onnxruntime-node within the rule:
// max |ours - ort| <= max(1.5 x |ort default - ort disabled|, 1e-3; float16: 2e-2) x max |ort|,
// where the disagreement between onnxruntime's fused kernels and its literal execution is
// measured here on the same input rather than taken from the folder's README.
import { describe, expect, it } from 'vitest';
import { compile } from 'onnx2wasm';
import { loadModel } from '@onnx2wasm/runtime';
import { asFloat32, quantizedInput, quantizedModels, quantizedTolerance, relativeDiff, runOrtAt } from './support/quantized.js';

describe('shared quantized and float16 models match onnxruntime-node', () => {
  for (const m of quantizedModels()) {
    it(m.name, async () => {
      const c = await compile(m.file, { inputShapes: { input: m.inputShape } });
      expect(c.weights.byteLength, `${m.name}: weights ${c.weights.byteLength} bytes vs .onnx ${m.bytes}`).toBeLessThanOrEqual(1.1 * m.bytes);
      const model = await loadModel({ wasm: c.wasm, weights: c.weights });
      const feed = quantizedInput(m);
      const [out] = Object.values(await model.run({ input: feed }));
      const fused = await runOrtAt(m.file, feed, 'all');
      const literal = await runOrtAt(m.file, feed, 'disabled');
      expect(out!.dims).toEqual(fused.dims);
      const tol = quantizedTolerance(m, relativeDiff(fused.data, literal.data));
      const err = relativeDiff(asFloat32(out!.dtype, out!.data as ArrayLike<number>), fused.data);
      expect(err, `${m.name}: relative error ${err.toExponential(2)} vs tolerance ${tol.toExponential(2)}`).toBeLessThanOrEqual(tol);
    });
  }
});
