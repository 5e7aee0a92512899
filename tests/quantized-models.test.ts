// Every model in ../shared/models/quantized (int8 QDQ, QOperator, dynamic; float16) compiles, keeps
// its weights file within 1.1x the .onnx, and matches onnxruntime-node within the rule:
// max |ours - ort| <= max(1.5 x |ort default - ort disabled|, 1e-3; float16: 2e-2) x max |ort|,
// where the disagreement between onnxruntime's fused kernels and its literal execution is
// measured here on the same input rather than taken from the folder's README.
import { describe, expect, it } from 'vitest';
import { compile } from 'onnx2wasm';
import { loadModel } from '@onnx2wasm/runtime';
import { asFloat32, quantizedInput, quantizedModels, quantizedTolerance, relativeDiff, runOrtAt } from './support/quantized.js';

/**
 * Where the rule cannot hold, measured and explained (see docs/quantization.md): onnxruntime on x86
 * does not fuse QDQ Conv over int8 activations, so for this model its default session is its literal
 * float path (default == disabled) rather than integer kernels; its float sums fall on the other
 * side of .5 from the exact integer sums for a few values (73.49999 exact vs its 73.5), while its own
 * QLinearConv on the same int8 tensors gives our exact answer. What remains is one quantization step
 * of the output, held here to that step instead of 1e-3. This is an open item, not a pass of the rule.
 */
const ONE_OUTPUT_STEP = new Set(['squeezenet1_1_int8_qdq']);

/** The smallest gap between distinct output values: the output's quantization step for a quantized output. */
function outputStep(data: Float32Array): number {
  const v = [...new Set(data)].sort((a, b) => a - b);
  let step = Infinity;
  for (let i = 1; i < v.length; i++) step = Math.min(step, v[i]! - v[i - 1]!);
  return step;
}

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
      let tol = quantizedTolerance(m, relativeDiff(fused.data, literal.data));
      if (ONE_OUTPUT_STEP.has(m.name)) tol = Math.max(tol, 1.01 * outputStep(fused.data) / Math.max(...fused.data.map(Math.abs)));
      const err = relativeDiff(asFloat32(out!.dtype, out!.data as ArrayLike<number>), fused.data);
      expect(err, `${m.name}: relative error ${err.toExponential(2)} vs tolerance ${tol.toExponential(2)}`).toBeLessThanOrEqual(tol);
    });
  }
});
