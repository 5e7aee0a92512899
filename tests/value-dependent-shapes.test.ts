// Value-dependent shapes: ops whose output shape depends on tensor values known only at run time
// (NonZero's count, Compress with a run-time condition) compute that dim during the run; the rest of
// the graph follows it as a run-time dim, memory is planned at its bound, and empty results work.
import { describe, expect, it } from 'vitest';
import { compile } from 'onnx2wasm';
import { loadModel, type Tensor } from '@onnx2wasm/runtime';
import { buildModel, intAttr, intsAttr } from './support/onnx-builder.js';
import { seededInput } from './support/models.js';
import { expectSameAsOrt } from './support/ort-compare.js';

const INT64 = 7, BOOL = 9;
const f32 = (dims: number[], data: Float32Array | number[]): Tensor => ({ dtype: 'float32', dims, data: Float32Array.from(data) });
const boolT = (bits: number[]): Tensor => ({ dtype: 'bool', dims: [bits.length], data: Uint8Array.from(bits) });

async function load(bytes: Uint8Array) {
  const c = await compile(bytes, { verify: true });
  expect(c.summary.valueVariants).toBeUndefined();
  return loadModel({ wasm: c.wasm, weights: c.weights });
}

describe('value-dependent shapes', () => {
  // x > 0 → NonZero → the positive values gathered (GatherND) → their sum; also the indices.
  const nonZeroModel = buildModel({
    opset: 13,
    inputs: [{ name: 'x', dims: [3, 4] }],
    outputs: [{ name: 'idx', dims: [2, 'n'], elemType: INT64 }, { name: 'vals', dims: ['n'] }, { name: 'total', dims: [] }],
    initializers: [{ name: 'zero', dims: [], values: Float32Array.of(0) }],
    nodes: [
      { op: 'Greater', inputs: ['x', 'zero'], outputs: ['pos'] },
      { op: 'NonZero', inputs: ['pos'], outputs: ['idx'], name: 'nz' },
      { op: 'Transpose', inputs: ['idx'], outputs: ['idxT'], attrs: [intsAttr('perm', [1, 0])] },
      { op: 'GatherND', inputs: ['x', 'idxT'], outputs: ['vals'] },
      { op: 'ReduceSum', inputs: ['vals'], outputs: ['total'], attrs: [intAttr('keepdims', 0)] },
    ],
  });

  it('NonZero → GatherND → ReduceSum, with counts from 0 (all zeros) to all elements', async () => {
    const model = await load(nonZeroModel);
    expect(model.outputs.find((o) => o.name === 'idx')!.dims[1]).toMatch(/^rt_nz_count$/);
    const random = seededInput([3, 4], 7);
    for (const data of [random, new Float32Array(12), Float32Array.from({ length: 12 }, (_, i) => i + 1), random.map((v) => -v)]) {
      const out = await expectSameAsOrt(model, nonZeroModel, { x: f32([3, 4], data) });
      expect(out.idx!.dims[0]).toBe(2);
    }
    const empty = await model.run({ x: f32([3, 4], new Float32Array(12)) });
    expect(empty.idx!.dims).toEqual([2, 0]);
    expect(empty.vals!.dims).toEqual([0]);
  });

  it('Compress with a run-time condition, along an axis and flattened, including no entry kept', async () => {
    const bytes = buildModel({
      opset: 11,
      inputs: [{ name: 'x', dims: [4, 3] }, { name: 'c', dims: [4], elemType: BOOL }, { name: 'f', dims: [5], elemType: BOOL }],
      outputs: [{ name: 'rows', dims: ['r', 3] }, { name: 'flat', dims: ['k'] }, { name: 'rowSums', dims: ['r'] }],
      nodes: [
        { op: 'Compress', inputs: ['x', 'c'], outputs: ['rows'], attrs: [intAttr('axis', 0)], name: 'rows' },
        { op: 'Compress', inputs: ['x', 'f'], outputs: ['flat'], name: 'flat' },
        { op: 'ReduceSum', inputs: ['rows'], outputs: ['rowSums'], attrs: [intsAttr('axes', [1]), intAttr('keepdims', 0)] },
      ],
    });
    const model = await load(bytes);
    const x = f32([4, 3], seededInput([4, 3], 3));
    for (const [c, f] of [[[1, 0, 1, 1], [0, 1, 1, 0, 1]], [[0, 0, 0, 0], [0, 0, 0, 0, 0]], [[1, 1, 1, 1], [1, 1, 1, 1, 1]]]) {
      await expectSameAsOrt(model, bytes, { x, c: boolT(c!), f: boolT(f!) });
    }
  });

  it('TopK with a run-time k (0 to the axis length, both axes); a k past the bound is SHAPE_OUT_OF_BOUNDS naming the node', async () => {
    const bytes = buildModel({
      opset: 11,
      inputs: [{ name: 'x', dims: [3, 6] }, { name: 'k', dims: [1], elemType: INT64 }, { name: 'k0', dims: [1], elemType: INT64 }],
      outputs: [{ name: 'values', dims: [3, 'k'] }, { name: 'indices', dims: [3, 'k'], elemType: INT64 }, { name: 'low', dims: ['j', 6] }, { name: 'lowSum', dims: ['j'] }],
      nodes: [
        { op: 'TopK', inputs: ['x', 'k'], outputs: ['values', 'indices'], name: 'top' },
        { op: 'TopK', inputs: ['x', 'k0'], outputs: ['low', 'lowIdx'], name: 'low', attrs: [intAttr('axis', 0), intAttr('largest', 0)] },
        { op: 'ReduceSum', inputs: ['low'], outputs: ['lowSum'], attrs: [intsAttr('axes', [1]), intAttr('keepdims', 0)] },
      ],
    });
    const model = await load(bytes);
    const i64 = (v: number): Tensor => ({ dtype: 'int64', dims: [1], data: BigInt64Array.of(BigInt(v)) });
    const x = f32([3, 6], seededInput([3, 6], 5));
    for (const [k, k0] of [[3, 2], [1, 0], [6, 3], [0, 1]]) await expectSameAsOrt(model, bytes, { x, k: i64(k!), k0: i64(k0!) });
    for (const bad of [7, -1, 2 ** 40]) {
      await expect(model.run({ x, k: i64(bad), k0: i64(1) })).rejects.toMatchObject({ code: 'SHAPE_OUT_OF_BOUNDS', message: expect.stringMatching(/TopK node 'top'.*outside 0…6/) });
    }
    await expectSameAsOrt(model, bytes, { x, k: i64(2), k0: i64(3) }); // the model keeps working
  });
});
