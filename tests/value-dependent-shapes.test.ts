// Value-dependent shapes: ops whose output shape depends on tensor values known only at run time
// (NonZero's count, Compress with a run-time condition) compute that dim during the run; the rest of
// the graph follows it as a run-time dim, memory is planned at its bound, and empty results work.
import { describe, expect, it } from 'vitest';
import { compile } from 'onnx2wasm';
import { loadModel, type Tensor } from '@onnx2wasm/runtime';
import { buildModel, graphAttr, intAttr, intsAttr } from './support/onnx-builder.js';
import { seededInput } from './support/models.js';
import { replaceMetaSection } from '../scripts/fuzz/corrupt-module.js';
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

  // Boxes in clusters (heavy overlaps) and scores with ties, from a seeded generator.
  const boxesAndScores = (n: number, classes: number, seed: number, centered: boolean) => {
    const r = seededInput([n * 4 + classes * n], seed).map((v) => v - Math.floor(v));
    const boxes = new Float32Array(n * 4);
    for (let i = 0; i < n; i++) {
      const cx = Math.floor(i / 3) + r[4 * i]! * 0.3, cy = r[4 * i + 1]! * 0.5, w = 0.5 + r[4 * i + 2]!, h = 0.5 + r[4 * i + 3]!;
      boxes.set(centered ? [cx, cy, w, h] : i % 2 ? [cy + h / 2, cx + w / 2, cy - h / 2, cx - w / 2] : [cy - h / 2, cx - w / 2, cy + h / 2, cx + w / 2], 4 * i);
    }
    const scores = Float32Array.from(r.slice(n * 4), (v, i) => (i % 5 === 4 ? 0.5 : Math.round(v * 8) / 8));
    return { boxes: f32([1, n, 4], boxes), scores: f32([1, classes, n], scores) };
  };

  it('NonMaxSuppression → Gather of the selected boxes, with run-time limits and both box formats, including nothing selected', async () => {
    const nmsModel = (centered: number) => buildModel({
      opset: 13,
      inputs: [
        { name: 'boxes', dims: [1, 12, 4] }, { name: 'scores', dims: [1, 2, 12] },
        { name: 'max_out', dims: [1], elemType: INT64 }, { name: 'iou', dims: [1] }, { name: 'min_score', dims: [1] },
      ],
      outputs: [{ name: 'selected', dims: ['n', 3], elemType: INT64 }, { name: 'picked', dims: ['n', 4] }],
      initializers: [{ name: 'two', dims: [], dataType: INT64, raw: new Uint8Array(BigInt64Array.of(2n).buffer) }, { name: 'zero', dims: [1], dataType: INT64, raw: new Uint8Array(BigInt64Array.of(0n).buffer) }],
      nodes: [
        { op: 'NonMaxSuppression', inputs: ['boxes', 'scores', 'max_out', 'iou', 'min_score'], outputs: ['selected'], name: 'nms', attrs: [intAttr('center_point_box', centered)] },
        { op: 'Gather', inputs: ['selected', 'two'], outputs: ['boxIdx'], attrs: [intAttr('axis', 1)] },
        { op: 'Squeeze', inputs: ['boxes', 'zero'], outputs: ['allBoxes'] },
        { op: 'Gather', inputs: ['allBoxes', 'boxIdx'], outputs: ['picked'], attrs: [intAttr('axis', 0)] },
      ],
    });
    const i64 = (v: number): Tensor => ({ dtype: 'int64', dims: [1], data: BigInt64Array.of(BigInt(v)) });
    const counts: number[] = [];
    for (const centered of [0, 1]) {
      const bytes = nmsModel(centered);
      const model = await load(bytes);
      for (const [seed, maxOut, iou, minScore] of [[1, 3, 0.5, 0.1], [2, 100, 0.3, 0], [3, 12, 0, 0.5], [4, 2, 0.7, 2], [5, 0, 0.5, 0]]) {
        const out = await expectSameAsOrt(model, bytes, { ...boxesAndScores(12, 2, seed!, !!centered), max_out: i64(maxOut!), iou: f32([1], [iou!]), min_score: f32([1], [minScore!]) });
        if (minScore === 2 || maxOut === 0) expect(out.picked!.dims).toEqual([0, 4]);
        counts.push(out.selected!.dims[0]!);
      }
    }
    // The cases select some boxes and suppress others (not all or nothing every time).
    expect(Math.max(...counts)).toBeGreaterThan(3);
    expect(Math.max(...counts)).toBeLessThan(24);
  });

  it('NonMaxSuppression with its optional inputs omitted (no limit given: nothing selected) and with only a limit', async () => {
    const bytes = buildModel({
      opset: 11,
      inputs: [{ name: 'boxes', dims: [2, 6, 4] }, { name: 'scores', dims: [2, 3, 6] }],
      outputs: [{ name: 'none', dims: ['a', 3], elemType: INT64 }, { name: 'some', dims: ['b', 3], elemType: INT64 }],
      initializers: [{ name: 'limit', dims: [1], dataType: INT64, raw: new Uint8Array(BigInt64Array.of(4n).buffer) }],
      nodes: [
        { op: 'NonMaxSuppression', inputs: ['boxes', 'scores'], outputs: ['none'], name: 'none' },
        { op: 'NonMaxSuppression', inputs: ['boxes', 'scores', 'limit'], outputs: ['some'], name: 'some' },
      ],
    });
    const model = await load(bytes);
    for (const seed of [1, 2]) {
      const a = boxesAndScores(6, 3, seed, false), b = boxesAndScores(6, 3, seed + 10, false);
      const feeds = { boxes: f32([2, 6, 4], [...a.boxes.data as Float32Array, ...b.boxes.data as Float32Array]), scores: f32([2, 3, 6], [...a.scores.data as Float32Array, ...b.scores.data as Float32Array]) };
      const out = await expectSameAsOrt(model, bytes, feeds);
      expect(out.none!.dims).toEqual([0, 3]);
    }
  });

  it('Unique, sorted and not, flat and along an axis, all four outputs; counts feed a downstream op', async () => {
    const bytes = buildModel({
      opset: 11,
      inputs: [{ name: 'x', dims: [4, 3] }, { name: 'ids', dims: [10], elemType: INT64 }],
      outputs: [
        { name: 'rows', dims: ['u', 3] }, { name: 'first', dims: ['u'], elemType: INT64 }, { name: 'inverse', dims: [4], elemType: INT64 }, { name: 'counts', dims: ['u'], elemType: INT64 },
        { name: 'vals', dims: ['v'], elemType: INT64 }, { name: 'vFirst', dims: ['v'], elemType: INT64 }, { name: 'vInverse', dims: [10], elemType: INT64 }, { name: 'vCounts', dims: ['v'], elemType: INT64 },
        { name: 'total', dims: [], elemType: INT64 },
      ],
      nodes: [
        { op: 'Unique', inputs: ['x'], outputs: ['rows', 'first', 'inverse', 'counts'], name: 'rowsU', attrs: [intAttr('axis', 0)] },
        { op: 'Unique', inputs: ['ids'], outputs: ['vals', 'vFirst', 'vInverse', 'vCounts'], name: 'idsU', attrs: [intAttr('sorted', 0)] },
        { op: 'ReduceSum', inputs: ['vCounts'], outputs: ['total'], attrs: [intAttr('keepdims', 0)] },
      ],
    });
    const model = await load(bytes);
    const ids = (v: number[]): Tensor => ({ dtype: 'int64', dims: [10], data: BigInt64Array.from(v.map(BigInt)) });
    const rowsOf = (v: number[]) => f32([4, 3], v);
    for (const [x, i] of [
      [[1, 2, 3, 0, 0, 0, 1, 2, 3, -1, 5, 2], [3, 1, 3, 3, 7, -2, 1, 0, 7, 3]],
      [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [5, 5, 5, 5, 5, 5, 5, 5, 5, 5]],
      [[4, 3, 2, 1, 2, 3, 9, 9, 9, 2, 3, 4], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]],
    ]) await expectSameAsOrt(model, bytes, { x: rowsOf(x!), ids: ids(i!) });
  });

  it('a run-time If whose branches give outputs of different dims: the taken branch decides them', async () => {
    const i64s = (name: string, v: number[]) => ({ name, dims: [v.length], dataType: INT64, raw: new Uint8Array(BigInt64Array.from(v.map(BigInt)).buffer) });
    const bytes = buildModel({
      opset: 13,
      inputs: [{ name: 'x', dims: [2, 4] }, { name: 'flag', dims: [], elemType: BOOL }],
      outputs: [{ name: 'y', dims: [2, 'n'] }, { name: 'sums', dims: [2] }],
      initializers: [i64s('starts', [1]), i64s('ends', [3]), i64s('axes', [1])],
      nodes: [
        {
          op: 'If', inputs: ['flag'], outputs: ['picked'], name: 'if', attrs: [
            graphAttr('then_branch', { outputs: [{ name: 'cropped', dims: [2, 2] }], nodes: [{ op: 'Slice', inputs: ['x', 'starts', 'ends', 'axes'], outputs: ['cropped'] }] }),
            graphAttr('else_branch', { outputs: [{ name: 'doubled', dims: [2, 8] }], nodes: [{ op: 'Concat', inputs: ['x', 'x'], outputs: ['doubled'], attrs: [intAttr('axis', 1)] }] }),
          ],
        },
        { op: 'Neg', inputs: ['picked'], outputs: ['y'] },
        { op: 'ReduceSum', inputs: ['picked', 'axes'], outputs: ['sums'], attrs: [intAttr('keepdims', 0)] },
      ],
    });
    const model = await load(bytes);
    for (const [flag, seed] of [[true, 1], [false, 2], [true, 3]] as const) {
      const out = await expectSameAsOrt(model, bytes, { x: f32([2, 4], seededInput([2, 4], seed)), flag: { dtype: 'bool', dims: [], data: Uint8Array.of(flag ? 1 : 0) } });
      expect(out.y!.dims).toEqual([2, flag ? 2 : 8]);
    }
  });

  it('the module lists its computed dims with their bounds; a damaged list is INVALID_MODULE', async () => {
    const c = await compile(nonZeroModel);
    expect(c.meta.dynamic!.computed).toEqual([{ symbol: 'rt_nz_count', bound: [[12]], node: 'nz', op: 'NonZero' }]);
    const meta = JSON.parse(JSON.stringify(c.meta));
    meta.dynamic.computed[0].symbol = 'not_a_symbol';
    const wasm = replaceMetaSection(c.wasm, new TextEncoder().encode(JSON.stringify(meta)));
    await expect(loadModel({ wasm, weights: c.weights })).rejects.toMatchObject({ code: 'INVALID_MODULE', message: expect.stringMatching(/damaged run-time dim list/) });
  });

  it('with a symbolic input dim, the bound follows it (planned at --max-shape bounds) and runs match at several dims', async () => {
    const bytes = buildModel({
      opset: 13,
      inputs: [{ name: 'x', dims: ['b', 4] }],
      outputs: [{ name: 'idx', dims: [2, 'n'], elemType: INT64 }, { name: 'vals', dims: ['n'] }],
      nodes: [
        { op: 'NonZero', inputs: ['x'], outputs: ['idx'], name: 'nz' },
        { op: 'Transpose', inputs: ['idx'], outputs: ['idxT'], attrs: [intsAttr('perm', [1, 0])] },
        { op: 'GatherND', inputs: ['x', 'idxT'], outputs: ['vals'] },
      ],
    });
    const c = await compile(bytes, { maxShapes: { x: [5, 4] } });
    expect(c.meta.dynamic!.computed![0]!.bound).toEqual([[4, 'b']]);
    expect(c.summary.memoryBytes).toBeGreaterThan(0); // counted at the bounds (the count at 4*b)
    const model = await loadModel({ wasm: c.wasm, weights: c.weights });
    for (const [b, seed] of [[1, 1], [5, 2], [3, 3], [0, 4]]) {
      const data = seededInput([b! * 4], seed!).map((v, i) => (i % 3 ? v : 0));
      await expectSameAsOrt(model, bytes, { x: f32([b!, 4], data) });
    }
    await expect(model.run({ x: f32([6, 4], new Float32Array(24)) })).rejects.toMatchObject({ code: 'SHAPE_OUT_OF_BOUNDS' });
  });

  it('TopK with a symbolic batch and a constant k runs the run-time kernel (both orders, ties; an empty batch)', async () => {
    const bytes = buildModel({
      opset: 11,
      inputs: [{ name: 'x', dims: ['b', 6] }],
      outputs: [{ name: 'v', dims: ['b', 3] }, { name: 'i', dims: ['b', 3], elemType: INT64 }, { name: 'lv', dims: ['b', 2] }, { name: 'li', dims: ['b', 2], elemType: INT64 }],
      initializers: [{ name: 'k', dims: [1], dataType: INT64, raw: new Uint8Array(BigInt64Array.of(3n).buffer) }, { name: 'k2', dims: [1], dataType: INT64, raw: new Uint8Array(BigInt64Array.of(2n).buffer) }],
      nodes: [
        { op: 'TopK', inputs: ['x', 'k'], outputs: ['v', 'i'] },
        { op: 'TopK', inputs: ['x', 'k2'], outputs: ['lv', 'li'], attrs: [intAttr('largest', 0)] },
      ],
    });
    const model = await load(bytes);
    for (const b of [1, 4]) {
      const data = Array.from(seededInput([b * 6], b + 1), (v, j) => (j % 4 === 1 ? 0.5 : v));
      await expectSameAsOrt(model, bytes, { x: f32([b, 6], data) });
    }
    // An empty batch (onnxruntime-node 1.x crashes the process on this one, so no comparison).
    const empty = await model.run({ x: f32([0, 6], []) });
    expect([empty.v!.dims, empty.li!.dims]).toEqual([[0, 3], [0, 2]]);
  });

  it('Split with run-time sizes (a zero-size piece included); sizes that do not add up are SHAPE_OUT_OF_BOUNDS naming the node', async () => {
    const bytes = buildModel({
      opset: 13,
      inputs: [{ name: 'x', dims: [2, 6] }, { name: 'split', dims: [3], elemType: INT64 }],
      outputs: [{ name: 'a', dims: [2, 'p'] }, { name: 'b', dims: [2, 'q'] }, { name: 'c', dims: [2, 'r'] }, { name: 'cSum', dims: [2] }],
      nodes: [
        { op: 'Split', inputs: ['x', 'split'], outputs: ['a', 'b', 'c'], name: 'cut', attrs: [intAttr('axis', 1)] },
        { op: 'ReduceSum', inputs: ['c', 'axis1'], outputs: ['cSum'], attrs: [intAttr('keepdims', 0)] },
      ],
      initializers: [{ name: 'axis1', dims: [1], dataType: INT64, raw: new Uint8Array(BigInt64Array.of(1n).buffer) }],
    });
    const model = await load(bytes);
    const sizes = (v: number[]): Tensor => ({ dtype: 'int64', dims: [3], data: BigInt64Array.from(v.map(BigInt)) });
    const x = f32([2, 6], seededInput([2, 6], 9));
    for (const v of [[1, 2, 3], [0, 6, 0], [6, 0, 0], [2, 2, 2]]) await expectSameAsOrt(model, bytes, { x, split: sizes(v) });
    for (const bad of [[1, 2, 4], [-1, 4, 3], [0, 0, 0]]) {
      await expect(model.run({ x, split: sizes(bad) })).rejects.toMatchObject({ code: 'SHAPE_OUT_OF_BOUNDS', message: expect.stringMatching(/Split node 'cut'/) });
    }
    await expectSameAsOrt(model, bytes, { x, split: sizes([3, 1, 2]) });
  });
});
