// Every shared model compiles, runs in Node and matches onnxruntime-node:
// max |ours - ort| <= 1e-4 * max |ort| for every output.
import { describe, expect, it } from 'vitest';
import { compile } from 'onnx2wasm';
import { loadModel } from '@onnx2wasm/runtime';
import { maxDiff, runOrt, seededInput, sharedModels } from './support/models.js';

const TOLERANCE = 1e-4;

describe('shared models match onnxruntime-node', () => {
  for (const m of sharedModels()) {
    it(m.name, async () => {
      const c = await compile(m.file, { inputShapes: { input: m.inputShape } });
      const model = await loadModel({ wasm: c.wasm, weights: c.weights });
      const data = seededInput(m.inputShape, 7);
      const ours = await model.run({ input: { dtype: 'float32', dims: m.inputShape, data } });
      const ref = await runOrt(m.file, { input: { dims: m.inputShape, data } });
      for (const [name, r] of Object.entries(ref)) {
        const o = ours[name]!;
        expect(o.dims).toEqual(r.dims);
        const { maxAbsDiff, maxAbsRef } = maxDiff(o.data as Float32Array, r.data);
        expect(maxAbsRef).toBeGreaterThan(0);
        expect(maxAbsDiff, `${m.name}/${name}: max diff ${maxAbsDiff} vs max |ref| ${maxAbsRef}`).toBeLessThanOrEqual(TOLERANCE * maxAbsRef);
      }
    });
  }
});
