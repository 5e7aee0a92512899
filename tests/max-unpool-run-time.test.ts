// MaxUnpool with output_shape fed at run time: the output has the fed shape and the indices
// address it (as onnxruntime and PyTorch read them), compared with onnxruntime-node for the
// unpooled shape and larger ones, in one compiled model; an index outside the fed shape fails the
// run's check (typed), and the model runs on afterwards.
import { describe, expect, it } from 'vitest';
import { compile } from 'onnx2wasm';
import { RuntimeError, loadModel, type Tensor } from '@onnx2wasm/runtime';
import { buildModel, intsAttr } from './support/onnx-builder.js';
import { seededInput } from './support/models.js';
import { expectSameAsOrt } from './support/ort-compare.js';

const INT64 = 7;
const shape = (v: number[]): Tensor => ({ dtype: 'int64', dims: [v.length], data: BigInt64Array.from(v.map(BigInt)) });
const indices = (v: number[]): Tensor => ({ dtype: 'int64', dims: [1, 2, 2, 2], data: BigInt64Array.from(v.map(BigInt)) });

describe('MaxUnpool with a run-time output_shape', () => {
  const bytes = buildModel({
    opset: 11,
    inputs: [{ name: 'x', dims: [1, 2, 2, 2] }, { name: 'i', dims: [1, 2, 2, 2], elemType: INT64 }, { name: 'os', dims: [4], elemType: INT64 }],
    outputs: [{ name: 'y', dims: [1, 2, 'h', 'w'] }],
    nodes: [{ op: 'MaxUnpool', inputs: ['x', 'i', 'os'], outputs: ['y'], name: 'unpool', attrs: [intsAttr('kernel_shape', [2, 2]), intsAttr('strides', [2, 2])] }],
  });
  const x: Tensor = { dtype: 'float32', dims: [1, 2, 2, 2], data: seededInput([1, 2, 2, 2], 1) };

  it('matches onnxruntime for the unpooled shape and larger ones (grow and rerun), then smaller again', async () => {
    const c = await compile(bytes, { verify: true });
    const model = await loadModel({ wasm: c.wasm, weights: c.weights });
    // Indices as MaxPool gives them for a 4x4 and for a 5x5 input (offsets into the whole tensor).
    const cases: [number[], number[]][] = [
      [[1, 2, 4, 4], [0, 3, 9, 14, 17, 18, 28, 31]],
      [[1, 2, 5, 5], [6, 3, 16, 18, 25, 28, 36, 43]],
      [[1, 2, 5, 6], [7, 2, 19, 15, 37, 32, 44, 51]],
      [[1, 2, 4, 4], [5, 7, 13, 15, 16, 19, 25, 30]],
    ];
    for (const [os, at] of cases) {
      const out = await expectSameAsOrt(model, bytes, { x, i: indices(at), os: shape(os) }, 0);
      expect(out.y!.dims).toEqual(os);
    }
  });

  it('an index outside the fed output_shape is EXECUTION_FAILED (FAILED_CHECK); the next run works', async () => {
    const c = await compile(bytes);
    const model = await loadModel({ wasm: c.wasm, weights: c.weights });
    const err = await model.run({ x, i: indices([0, 3, 9, 14, 17, 18, 28, 31]), os: shape([1, 2, 3, 4]) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeError);
    expect(err).toMatchObject({ code: 'EXECUTION_FAILED', reason: 'FAILED_CHECK' });
    await expectSameAsOrt(model, bytes, { x, i: indices([0, 3, 9, 14, 17, 18, 28, 31]), os: shape([1, 2, 4, 4]) }, 0);
  });

  it('a constant output_shape: the same result as onnxruntime', async () => {
    const fixed = buildModel({
      opset: 11,
      inputs: [{ name: 'x', dims: [1, 2, 2, 2] }, { name: 'i', dims: [1, 2, 2, 2], elemType: INT64 }],
      outputs: [{ name: 'y', dims: [1, 2, 5, 5] }],
      initializers: [{ name: 'os', dims: [4], dataType: INT64, raw: new Uint8Array(BigInt64Array.of(1n, 2n, 5n, 5n).buffer) }],
      nodes: [{ op: 'MaxUnpool', inputs: ['x', 'i', 'os'], outputs: ['y'], name: 'unpool', attrs: [intsAttr('kernel_shape', [2, 2]), intsAttr('strides', [2, 2])] }],
    });
    const c = await compile(fixed, { verify: true });
    const model = await loadModel({ wasm: c.wasm, weights: c.weights });
    await expectSameAsOrt(model, fixed, { x, i: indices([6, 3, 16, 18, 25, 28, 36, 43]) }, 0);
  });
});
