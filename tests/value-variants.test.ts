// Value variants: models whose small integer inputs (axes, axis, k) decide shapes or axes compile
// without constantInputs; one loaded model runs several values of them, each matching
// onnxruntime-node, and a value it was not compiled for fails with UNSUPPORTED_VALUE.
import { describe, expect, it } from 'vitest';
import ort from 'onnxruntime-node';
import { CompileError, compile } from 'onnx2wasm';
import { type Model, RuntimeInputError, type Tensor, loadModel } from '@onnx2wasm/runtime';
import { buildModel, intAttr } from './support/onnx-builder.js';
import { seededInput } from './support/models.js';
import { replaceMetaSection } from '../scripts/fuzz/corrupt-module.js';

const INT64 = 7, INT32 = 6;

const f32 = (dims: number[], seed: number): Tensor => ({ dtype: 'float32', dims, data: seededInput(dims, seed) });
const i64 = (values: number[], dims = [values.length]): Tensor => ({ dtype: 'int64', dims, data: BigInt64Array.from(values.map(BigInt)) });
const i32 = (values: number[], dims = [values.length]): Tensor => ({ dtype: 'int32', dims, data: Int32Array.from(values) });

/** Runs the ONNX model in onnxruntime-node with the same feeds. */
async function ortRun(bytes: Uint8Array, feeds: Record<string, Tensor>): Promise<Record<string, { dims: number[]; data: ArrayLike<number | bigint> }>> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  const res = await session.run(Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor(t.dtype as 'float32', t.data as Float32Array, t.dims)])));
  await session.release();
  return Object.fromEntries(Object.entries(res).map(([k, v]) => [k, { dims: [...v.dims], data: v.data as ArrayLike<number | bigint> }]));
}

async function expectSameAsOrt(model: Model, bytes: Uint8Array, feeds: Record<string, Tensor>): Promise<void> {
  const ours = await model.run(feeds);
  const ref = await ortRun(bytes, feeds);
  const what = JSON.stringify(Object.fromEntries(Object.entries(feeds).filter(([, t]) => t.dtype !== 'float32').map(([k, t]) => [k, Array.from(t.data as ArrayLike<number | bigint>, Number)])));
  for (const [name, r] of Object.entries(ref)) {
    expect(ours[name]!.dims, `${name} for ${what}`).toEqual(r.dims);
    const a = Array.from(ours[name]!.data as ArrayLike<number | bigint>, Number), b = Array.from(r.data, Number);
    a.forEach((x, i) => expect(Math.abs(x - b[i]!), `${name}[${i}] for ${what}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(b[i]!))));
  }
}

async function compileAndLoad(bytes: Uint8Array) {
  const c = await compile(bytes);
  return { c, model: await loadModel({ wasm: c.wasm, weights: c.weights }) };
}

const reduceSum = buildModel({
  opset: 13,
  inputs: [{ name: 'x', dims: [3, 4, 5] }, { name: 'axes', dims: [1], elemType: INT64 }],
  outputs: [{ name: 'y', dims: ['a', 'b', 'c'] }],
  nodes: [{ op: 'ReduceSum', inputs: ['x', 'axes'], outputs: ['y'], name: 'sum' }],
});

describe('value variants', () => {
  it('ReduceSum with an axes input: one model runs every axis, [2] and [-1] share a build', async () => {
    const { c, model } = await compileAndLoad(reduceSum);
    // axes ranges over [-5, 5] (rank 3, dims up to 5): -3..2 build, in three distinct graphs.
    expect(c.summary.valueVariants).toMatchObject({ inputs: ['axes'], builds: 3, candidates: 11 });
    expect(c.summary.valueVariants!.values).toContainEqual({ axes: [[-1], [2]] });
    // The value input stays an input of the compiled model.
    expect(model.inputs.map((i) => i.name)).toEqual(['x', 'axes']);
    expect(c.manifest.inputs.map((i) => i.name)).toEqual(['x', 'axes']);
    expect(new TextDecoder().decode(c.files['model.d.ts'])).toContain("axes: { dtype: 'int64'; dims: [1]");
    // The output's dims depend on the axes: each is named, as a symbolic dim would be.
    expect(model.outputs[0]!.dims).toEqual(['y_d0', 'y_d1', 'y_d2']);
    expect(c.manifest.outputs[0]!.dims).toEqual(['y_d0', 'y_d1', 'y_d2']);
    for (const [k, axes] of [[2], [-1], [0], [1], [-3], [2]].entries()) await expectSameAsOrt(model, reduceSum, { x: f32([3, 4, 5], k + 1), axes: i64(axes) });
  });

  it('rejects a value it was not compiled for with UNSUPPORTED_VALUE naming the input, and keeps working', async () => {
    const { model } = await compileAndLoad(reduceSum);
    for (const bad of [3, -4, 9]) {
      const err = await model.run({ x: f32([3, 4, 5], 1), axes: i64([bad]) }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RuntimeInputError);
      expect(err).toMatchObject({ code: 'UNSUPPORTED_VALUE', input: 'axes' });
      expect((err as Error).message).toContain(`got [${bad}]`);
      expect((err as Error).message).toContain('compiled for the values [-3], [-2], [-1], [0], [1], [2] of this input');
    }
    await expectSameAsOrt(model, reduceSum, { x: f32([3, 4, 5], 2), axes: i64([1]) });
  });

  it('CumSum with a scalar axis input (int32)', async () => {
    const bytes = buildModel({
      opset: 14,
      inputs: [{ name: 'x', dims: [2, 3, 4] }, { name: 'axis', dims: [], elemType: INT32 }],
      outputs: [{ name: 'y', dims: [2, 3, 4] }],
      nodes: [{ op: 'CumSum', inputs: ['x', 'axis'], outputs: ['y'], attrs: [intAttr('reverse', 1)] }],
    });
    const { c, model } = await compileAndLoad(bytes);
    expect(c.summary.valueVariants).toMatchObject({ inputs: ['axis'], builds: 3 });
    for (const [k, axis] of [0, 2, -1, 1, -3].entries()) await expectSameAsOrt(model, bytes, { x: f32([2, 3, 4], k), axis: i32([axis], []) });
  });

  it('TopK with a k input needs no value variants: k is a run-time dim bounded by the axis', async () => {
    const bytes = buildModel({
      opset: 11,
      inputs: [{ name: 'x', dims: [3, 6] }, { name: 'k', dims: [1], elemType: INT64 }],
      outputs: [{ name: 'values', dims: [3, 'k'] }, { name: 'indices', dims: [3, 'k'], elemType: INT64 }],
      nodes: [{ op: 'TopK', inputs: ['x', 'k'], outputs: ['values', 'indices'] }],
    });
    const { c, model } = await compileAndLoad(bytes);
    // The value-dependent dim (tests/value-dependent-shapes.test.ts) replaces the 7 builds k once needed.
    expect(c.summary.valueVariants).toBeUndefined();
    expect(model.outputs.map((o) => o.dims)).toEqual([[3, 'rt_TopK_0_k'], [3, 'rt_TopK_0_k']]);
    for (const [s, k] of [3, 1, 6, 0, 3].entries()) await expectSameAsOrt(model, bytes, { x: f32([3, 6], s), k: i64([k]) });
    await expect(model.run({ x: f32([3, 6], 1), k: i64([7]) })).rejects.toMatchObject({ code: 'SHAPE_OUT_OF_BOUNDS' });
  });

  it('Unsqueeze with an axes input', async () => {
    const bytes = buildModel({
      opset: 13,
      inputs: [{ name: 'x', dims: [2, 3] }, { name: 'axes', dims: [1], elemType: INT64 }],
      outputs: [{ name: 'y', dims: ['a', 'b', 'c'] }],
      nodes: [{ op: 'Unsqueeze', inputs: ['x', 'axes'], outputs: ['y'] }],
    });
    const { c, model } = await compileAndLoad(bytes);
    // Run-time axes are computed dims (tests/value-shaped-inputs.test.ts): one build replaces the 3 they once needed.
    expect(c.summary.valueVariants).toBeUndefined();
    for (const [s, axes] of [[0], [2], [-1], [1], [-3]].entries()) await expectSameAsOrt(model, bytes, { x: f32([2, 3], s), axes: i64([axes[0]!]) });
    await expect(model.run({ x: f32([2, 3], 0), axes: i64([3]) })).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' });
  });

  it('two value inputs: one build per distinct graph, each accepting its combinations', async () => {
    const bytes = buildModel({
      opset: 14,
      inputs: [{ name: 'x', dims: [2, 3] }, { name: 'axes', dims: [1], elemType: INT64 }, { name: 'axis', dims: [], elemType: INT32 }],
      outputs: [{ name: 'r', dims: ['a', 'b'] }, { name: 'c', dims: [2, 3] }],
      nodes: [{ op: 'ReduceSum', inputs: ['x', 'axes'], outputs: ['r'] }, { op: 'CumSum', inputs: ['x', 'axis'], outputs: ['c'] }],
    });
    const { c, model } = await compileAndLoad(bytes);
    // Each input ranges over [-3, 3]: 49 pairs, of which axes and axis in [-2, 1] build, in 2 x 2 graphs.
    expect(c.summary.valueVariants).toMatchObject({ inputs: ['axes', 'axis'], candidates: 49, builds: 4 });
    expect(c.summary.valueVariants!.values).toContainEqual({ axes: [[-2], [-2], [0], [0]], axis: [[-1], [1], [-1], [1]] });
    for (const [s, [axes, axis]] of [[0, 1], [1, 0], [-1, -2], [-2, -1], [0, -1]].entries()) await expectSameAsOrt(model, bytes, { x: f32([2, 3], s), axes: i64([axes!]), axis: i32([axis!], []) });
    await expect(model.run({ x: f32([2, 3], 1), axes: i64([0]), axis: i32([2], []) })).rejects.toMatchObject({ code: 'UNSUPPORTED_VALUE', input: 'axis' });
  });

  it('an empty axes input is known from its shape alone (one build, no value condition)', async () => {
    const bytes = buildModel({
      opset: 13,
      inputs: [{ name: 'x', dims: [3, 4] }, { name: 'axes', dims: [0], elemType: INT64 }],
      outputs: [{ name: 'y', dims: [1, 1] }],
      nodes: [{ op: 'ReduceSum', inputs: ['x', 'axes'], outputs: ['y'] }],
    });
    const { c, model } = await compileAndLoad(bytes);
    expect(c.summary.valueVariants).toMatchObject({ inputs: [], known: ['axes'], builds: 1 });
    expect(c.meta.whenValues).toBeUndefined();
    await expectSameAsOrt(model, bytes, { x: f32([3, 4], 1), axes: i64([]) });
  });

  it('valueVariants: false and a too small cap keep the typed compile error', async () => {
    const off = await compile(reduceSum, { valueVariants: false }).catch((e: unknown) => e);
    expect(off).toBeInstanceOf(CompileError);
    expect((off as Error).message).toMatch(/axes.*known at compile time|axes.*constant/);
    const capped = await compile(reduceSum, { valueVariants: { maxCandidates: 4 } }).catch((e: unknown) => e);
    expect(capped).toBeInstanceOf(CompileError);
    expect((capped as Error).message).toContain("'axes' has 11 candidate values, over the limit of 4: pass its value with constantInputs");
    await expect(compile(reduceSum, { valueVariants: { maxCandidates: -1 } })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });

  it('combines with symbolic dims and --specialize copies', async () => {
    const bytes = buildModel({
      opset: 13,
      inputs: [{ name: 'x', dims: ['N', 4, 5] }, { name: 'axes', dims: [1], elemType: INT64 }],
      outputs: [{ name: 'y', dims: ['a', 'b', 'c'] }],
      nodes: [{ op: 'ReduceSum', inputs: ['x', 'axes'], outputs: ['y'] }],
    });
    const c = await compile(bytes, { specialize: { N: [2] } });
    // Axes 0, 1 and 2 build (reducing over the run-time dim N takes the run-time Reduce kernel),
    // each with a copy for N = 2, listed first: the runtime takes the first variant that matches.
    expect(c.summary.valueVariants!.values).toEqual([{ axes: [[-3], [0]] }, { axes: [[-2], [1]] }, { axes: [[-1], [2]] }]);
    expect(c.meta.variants!.map((v) => v.when)).toEqual([{ N: 2 }, { N: 2 }, { N: 2 }, {}, {}]);
    const model = await loadModel({ wasm: c.wasm, weights: c.weights });
    for (const [s, [n, axis]] of [[2, 1], [3, -1], [1, -2], [2, 2], [5, 1], [3, 0], [2, -3]].entries()) await expectSameAsOrt(model, bytes, { x: f32([n!, 4, 5], s), axes: i64([axis!]) });
    await expect(model.run({ x: f32([2, 4, 5], 1), axes: i64([3]) })).rejects.toMatchObject({ code: 'UNSUPPORTED_VALUE' });
  });

  it('a damaged value condition is INVALID_MODULE', async () => {
    const c = await compile(reduceSum);
    const meta = JSON.parse(JSON.stringify(c.meta));
    meta.whenValues = { axes: [[1, 2]] };
    const wasm = replaceMetaSection(c.wasm, new TextEncoder().encode(JSON.stringify(meta)));
    await expect(loadModel({ wasm, weights: c.weights })).rejects.toMatchObject({ code: 'INVALID_MODULE' });
  });

  it('models that compile as they are get no value variants', async () => {
    const bytes = buildModel({
      inputs: [{ name: 'x', dims: [2, 3] }, { name: 'idx', dims: [2], elemType: INT64 }],
      outputs: [{ name: 'y', dims: [2, 3] }],
      nodes: [{ op: 'Gather', inputs: ['x', 'idx'], outputs: ['y'] }],
    });
    const c = await compile(bytes);
    expect(c.summary.valueVariants).toBeUndefined();
    expect(c.meta.whenValues).toBeUndefined();
  });
});
