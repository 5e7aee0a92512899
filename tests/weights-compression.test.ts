// compile({ weights: 'float16' | 'int8' }) on a float32 model: the weights file shrinks to about a
// half / a quarter, the build still matches onnxruntime-node (within what the rounding of the
// weights costs), and the summary reports the size and the error it measured against the float32 build.
import { describe, expect, it } from 'vitest';
import { compile } from 'onnx2wasm';
import { loadModel } from '@onnx2wasm/runtime';
import { maxDiff, runOrt, seededInput, sharedModels } from './support/models.js';

const mlp = sharedModels().find((m) => m.name === 'mlp')!;

describe('weights compression of float32 models', () => {
  for (const [format, ratio, tolerance] of [['float16', 0.55, 1e-3], ['int8', 0.3, 3e-2]] as const) {
    it(`${format}: smaller weights, output close to onnxruntime, error reported`, async () => {
      const plain = await compile(mlp.file, { inputShapes: { input: mlp.inputShape } });
      const c = await compile(mlp.file, { inputShapes: { input: mlp.inputShape }, weights: format });
      expect(c.weights.byteLength).toBeLessThanOrEqual(ratio * plain.weights.byteLength);
      const w = c.summary.weightsCompression!;
      expect(w).toMatchObject({ format, bytes: c.weights.byteLength, uncompressedBytes: plain.weights.byteLength, savedBytes: plain.weights.byteLength - c.weights.byteLength });
      expect(w.maxRelativeError).toBeGreaterThan(0);
      expect(w.maxRelativeError).toBeLessThanOrEqual(tolerance);

      const data = seededInput(mlp.inputShape, 3);
      const model = await loadModel({ wasm: c.wasm, weights: c.weights });
      const ours = await model.run({ input: { dtype: 'float32', dims: mlp.inputShape, data } });
      const ref = await runOrt(mlp.file, { input: { dims: mlp.inputShape, data } });
      for (const [name, r] of Object.entries(ref)) {
        const { maxAbsDiff, maxAbsRef } = maxDiff(ours[name]!.data as Float32Array, r.data);
        expect(maxAbsDiff).toBeLessThanOrEqual(tolerance * maxAbsRef);
      }
    });
  }

  it('an unknown format is a typed option error', async () => {
    await expect(compile(mlp.file, { weights: 'int4' as never })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });
});
