// Shapes only partly known at compile time, as ONNX function bodies write them (the AffineGrid
// function reads its batch from a run-time `size` next to constant dims): Squeeze without axes over
// a symbolic dim, Expand/Reshape to Concat(run-time, constants), and a run-time If whose branches
// give one element at ranks 0 and 1. Compared with onnxruntime-node.
import { describe, expect, it } from 'vitest';
import { compile } from 'onnx2wasm';
import { loadModel, type Tensor } from '@onnx2wasm/runtime';
import { buildModel, graphAttr } from './support/onnx-builder.js';
import { seededInput } from './support/models.js';
import { expectSameAsOrt } from './support/ort-compare.js';

const INT64 = 7, BOOL = 9;
const f32 = (dims: number[]): Tensor => ({ dtype: 'float32', dims, data: seededInput(dims, dims.length + 2) });
const i64 = (values: number[], dims = [values.length]): Tensor => ({ dtype: 'int64', dims, data: BigInt64Array.from(values, (v) => BigInt(v)) });
const ints = (name: string, values: number[], dims = [values.length]) => ({ name, dims, dataType: INT64, raw: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer) });

async function load(bytes: Uint8Array) {
  const c = await compile(bytes, { verify: true });
  expect(c.summary.valueVariants).toBeUndefined();
  return { c, model: await loadModel({ wasm: c.wasm, weights: c.weights }) };
}

describe('partly known shapes', () => {
  it('Squeeze without axes keeps a symbolic dim, and refuses a run where it is 1 (ONNX would drop it)', async () => {
    const bytes = buildModel({
      opset: 13,
      inputs: [{ name: 'x', dims: ['n', 1, 3] }],
      outputs: [{ name: 'y', dims: ['m', 3] }],
      nodes: [{ op: 'Squeeze', inputs: ['x'], outputs: ['s'], name: 'sq' }, { op: 'Relu', inputs: ['s'], outputs: ['y'] }],
    });
    const { model } = await load(bytes);
    for (const n of [2, 5, 0]) await expectSameAsOrt(model, bytes, { x: f32([n, 1, 3]) });
    await expect(model.run({ x: f32([1, 1, 3]) })).rejects.toMatchObject({ code: 'SHAPE_MISMATCH', message: expect.stringContaining("Squeeze node 'sq'") });
    await expectSameAsOrt(model, bytes, { x: f32([3, 1, 3]) });
  });

  it('Expand and Reshape to Concat(run-time batch, constant dims) keep the constant dims static', async () => {
    const bytes = buildModel({
      opset: 13,
      inputs: [{ name: 'x', dims: [2, 3] }, { name: 'n', dims: [1], elemType: INT64 }],
      outputs: [{ name: 'y', dims: ['a', 3, 2] }],
      initializers: [ints('tail', [2, 3]), ints('back', [3, 2])],
      nodes: [
        { op: 'Concat', inputs: ['n', 'tail'], outputs: ['shape'], attrs: [{ name: 'axis', type: 2, i: 0 }] },
        { op: 'Expand', inputs: ['x', 'shape'], outputs: ['e'], name: 'ex' },
        { op: 'Concat', inputs: ['n', 'back'], outputs: ['shape2'], attrs: [{ name: 'axis', type: 2, i: 0 }] },
        { op: 'Reshape', inputs: ['e', 'shape2'], outputs: ['r'], name: 're' },
        { op: 'Relu', inputs: ['r'], outputs: ['y'] },
      ],
    });
    const { model } = await load(bytes);
    expect(model.outputs.find((o) => o.name === 'y')!.dims.slice(1)).toEqual([3, 2]);
    const x = f32([2, 3]);
    for (const n of [1, 4, 30]) await expectSameAsOrt(model, bytes, { x, n: i64([n]) });
    await expect(model.run({ x, n: i64([-3]) })).rejects.toMatchObject({ code: 'SHAPE_OUT_OF_BOUNDS', message: expect.stringContaining("Expand node 'ex'") });
  });

  it('a run-time If with a scalar in one branch and [1] in the other merges as [1] where its readers broadcast; elsewhere it stays DYNAMIC_SHAPE', async () => {
    const model = (reader: 'Mul' | 'none') => buildModel({
      opset: 13,
      inputs: [{ name: 'x', dims: [4] }, { name: 'c', dims: [], elemType: BOOL }],
      outputs: [{ name: 'y', dims: reader === 'Mul' ? [4] : [] }],
      initializers: [{ name: 'two', dims: [], values: Float32Array.of(2) }, { name: 'half', dims: [1], values: Float32Array.of(0.5) }],
      nodes: [
        {
          op: 'If', inputs: ['c'], outputs: ['k'], name: 'pick', attrs: [
            graphAttr('then_branch', { outputs: [{ name: 't', dims: [] }], nodes: [{ op: 'Identity', inputs: ['two'], outputs: ['t'] }] }),
            graphAttr('else_branch', { outputs: [{ name: 'e', dims: [1] }], nodes: [{ op: 'Identity', inputs: ['half'], outputs: ['e'] }] }),
          ],
        },
        reader === 'Mul' ? { op: 'Mul', inputs: ['x', 'k'], outputs: ['y'] } : { op: 'Identity', inputs: ['k'], outputs: ['y'] },
      ],
    });
    const bytes = model('Mul');
    const { model: m } = await load(bytes);
    for (const c of [true, false]) await expectSameAsOrt(m, bytes, { x: f32([4]), c: { dtype: 'bool', dims: [], data: Uint8Array.of(c ? 1 : 0) } });
    await expect(compile(model('none'), { valueVariants: false })).rejects.toMatchObject({ code: 'DYNAMIC_SHAPE', message: expect.stringContaining("If node 'pick'") });
  });
});
