// Compile once with symbolic dims, run many shapes: every run matches onnxruntime-node
// (max |ours - ort| <= 1e-4 * max |ort|), on one loaded model, in increasing and decreasing order.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from 'onnx2wasm';
import { loadModel, type Model, RuntimeInputError } from '@onnx2wasm/runtime';
import { MODELS_DIR, maxDiff, runOrt, seededInput } from './support/models.js';

const TOLERANCE = 1e-4;
const TRANSFORMER = path.join(MODELS_DIR, 'transformer_enc_dyn.onnx');

async function expectMatch(model: Model, file: string, dims: number[], seed: number): Promise<void> {
  const data = seededInput(dims, seed);
  const ours = await model.run({ input: { dtype: 'float32', dims, data } });
  const ref = await runOrt(file, { input: { dims, data } });
  for (const [name, r] of Object.entries(ref)) {
    const o = ours[name]!;
    expect(o.dims, `${name} at [${dims}]`).toEqual(r.dims);
    const { maxAbsDiff, maxAbsRef } = maxDiff(o.data as Float32Array, r.data);
    expect(maxAbsRef).toBeGreaterThan(0);
    expect(maxAbsDiff, `${name} at [${dims}]: max diff ${maxAbsDiff} vs max |ref| ${maxAbsRef}`).toBeLessThanOrEqual(TOLERANCE * maxAbsRef);
  }
}

describe('transformer_enc_dyn compiled once with symbolic batch and seq', () => {
  const shapes: [number, number][] = [[1, 1], [1, 7], [2, 33], [1, 128], [3, 200]];

  it('shows the symbolic dims by name', async () => {
    const c = await compile(TRANSFORMER);
    expect(c.meta.inputs[0]!.dims).toEqual(['batch', 'seq', 256]);
    expect(c.manifest.inputs[0]!.dims).toEqual(['batch', 'seq', 256]);
    expect(new TextDecoder().decode(c.files['model.d.ts'])).toContain('dims: [batch: number, seq: number, d2: 256]');
  });

  it('matches onnxruntime for each shape, one after another, then in reverse order', async () => {
    const c = await compile(TRANSFORMER);
    const model = await loadModel({ wasm: c.wasm, weights: c.weights });
    expect(model.inputs[0]!.dims).toEqual(['batch', 'seq', 256]);
    let seed = 1;
    for (const [b, s] of [...shapes, ...[...shapes].reverse()]) await expectMatch(model, TRANSFORMER, [b, s, 256], seed++);
  }, 240_000);

  it('rejects a run past --max-shape with a typed error naming the input and bound, and keeps working', async () => {
    const c = await compile(TRANSFORMER, { maxShapes: { input: [2, 64, 256] } });
    const model = await loadModel({ wasm: c.wasm, weights: c.weights });
    const run = (dims: number[]) => model.run({ input: { dtype: 'float32', dims, data: seededInput(dims, 3) } });
    const err = await run([1, 65, 256]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeInputError);
    expect((err as RuntimeInputError).code).toBe('SHAPE_OUT_OF_BOUNDS');
    expect((err as RuntimeInputError).input).toBe('input');
    expect((err as Error).message).toMatch(/'seq'.*65.*64/);
    await expect(run([3, 8, 256])).rejects.toMatchObject({ code: 'SHAPE_OUT_OF_BOUNDS' });
    await expect(run([1, 7, 255])).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' });
    await expectMatch(model, TRANSFORMER, [2, 64, 256], 4);
    await expectMatch(model, TRANSFORMER, [1, 7, 256], 5);
  }, 120_000);

  it('runs --specialize copies for matching dims and the generic code for the others', async () => {
    const c = await compile(TRANSFORMER, { specialize: { seq: [7] } });
    expect(c.meta.variants?.map((v) => v.when)).toEqual([{ seq: 7 }]);
    const model = await loadModel({ wasm: c.wasm, weights: c.weights });
    await expectMatch(model, TRANSFORMER, [2, 7, 256], 6);
    await expectMatch(model, TRANSFORMER, [1, 9, 256], 7);
    await expectMatch(model, TRANSFORMER, [1, 7, 256], 8);
    await expect(compile(TRANSFORMER, { specialize: { sequence: [7] } })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  }, 120_000);

  it('checks the memory at --max-shape against the memory limit at compile time', async () => {
    await expect(compile(TRANSFORMER, { maxShapes: { input: [64, 4096, 256] }, maxMemoryBytes: 64 << 20 })).rejects.toMatchObject({ code: 'MEMORY_LIMIT' });
    await expect(compile(TRANSFORMER, { maxShapes: { input: [1, 8, 255] } })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    // The memory a Worker isolate must hold is counted at the bounds, not at the initial size.
    const small = await compile(TRANSFORMER, { target: 'worker', maxShapes: { input: [1, 8, 256] } });
    const large = await compile(TRANSFORMER, { target: 'worker', maxShapes: { input: [8, 512, 256] } });
    expect(large.summary.memoryBytes).toBeGreaterThan(small.summary.memoryBytes + 16 * 2 ** 20);
    expect(large.summary.isolateBytes!).toBeGreaterThan(large.summary.memoryBytes);
  });
});

describe('a shared CNN with its batch dim made symbolic at compile time', () => {
  // resnet18 exports a static [1,3,224,224] input; `inputShapes` with a name makes dim 0 symbolic.
  // The oracle is onnxruntime on the original model, one sample at a time: the network treats
  // samples independently, so the batched answer is the per-sample answers stacked.
  // Both run channels-last (NHWC): shufflenet_v2's channel shuffles become Reshapes whose targets hold N.
  for (const name of ['resnet18', 'shufflenet_v2_x1_0']) it(`${name} matches onnxruntime at batch 1, 2 and 5 on one compiled model`, async () => {
    const file = path.join(MODELS_DIR, `${name}.onnx`);
    const c = await compile(file, { inputShapes: { input: ['N', 3, 224, 224] } });
    expect(c.graph.nodes.some((n) => n.op.startsWith('Nhwc'))).toBe(true);
    expect(c.meta.outputs[0]!.dims).toEqual(['N', 1000]);
    const model = await loadModel({ wasm: c.wasm, weights: c.weights });
    for (const n of [1, 2, 5]) {
      const sample = 3 * 224 * 224;
      const data = seededInput([n, 3, 224, 224], 10 + n);
      const ours = (await model.run({ input: { dtype: 'float32', dims: [n, 3, 224, 224], data } })).output!;
      expect(ours.dims).toEqual([n, 1000]);
      for (let b = 0; b < n; b++) {
        const ref = (await runOrt(file, { input: { dims: [1, 3, 224, 224], data: data.subarray(b * sample, (b + 1) * sample) } })).output!;
        const got = (ours.data as Float32Array).subarray(b * 1000, (b + 1) * 1000);
        const { maxAbsDiff, maxAbsRef } = maxDiff(got, ref.data);
        expect(maxAbsDiff, `batch ${n}, sample ${b}: max diff ${maxAbsDiff} vs max |ref| ${maxAbsRef}`).toBeLessThanOrEqual(TOLERANCE * maxAbsRef);
      }
    }
  }, 240_000);
});
