// Dropout whose training_mode and ratio are fed at run time: identity (and an all-true mask)
// whenever training_mode is false or the ratio is 0, compared with onnxruntime-node; a run that
// asks for random dropping stops with a typed failed check, and the model runs on afterwards.
import { describe, expect, it } from 'vitest';
import { compile } from 'onnx2wasm';
import { RuntimeError, loadModel, type Tensor } from '@onnx2wasm/runtime';
import { buildModel } from './support/onnx-builder.js';
import { seededInput } from './support/models.js';
import { expectSameAsOrt } from './support/ort-compare.js';

const BOOL = 9;
const x = (seed: number): Tensor => ({ dtype: 'float32', dims: [3, 4], data: seededInput([3, 4], seed) });
const ratio = (v: number): Tensor => ({ dtype: 'float32', dims: [], data: Float32Array.of(v) });
const mode = (on: boolean): Tensor => ({ dtype: 'bool', dims: [], data: Uint8Array.of(on ? 1 : 0) });

describe('Dropout with a run-time training_mode and ratio', () => {
  const bytes = buildModel({
    opset: 13,
    inputs: [{ name: 'x', dims: [3, 4] }, { name: 'r', dims: [] }, { name: 't', dims: [], elemType: BOOL }],
    outputs: [{ name: 'y', dims: [3, 4] }, { name: 'mask', dims: [3, 4], elemType: BOOL }],
    nodes: [{ op: 'Dropout', inputs: ['x', 'r', 't'], outputs: ['y', 'mask'], name: 'drop' }],
  });

  it('is identity with an all-true mask when training_mode is false or the ratio is 0, like onnxruntime', async () => {
    const c = await compile(bytes, { verify: true });
    expect(c.summary.valueVariants).toBeUndefined();
    const model = await loadModel({ wasm: c.wasm, weights: c.weights });
    for (const [r, t, seed] of [[0.3, false, 1], [0, true, 2], [0, false, 3], [0.9, false, 4]] as const) {
      const out = await expectSameAsOrt(model, bytes, { x: x(seed), r: ratio(r), t: mode(t) }, 0);
      expect(Array.from(out.mask!.data as Uint8Array)).toEqual(new Array(12).fill(1));
    }
  });

  it('a run asking for random dropping is EXECUTION_FAILED (FAILED_CHECK), and the next inference run works', async () => {
    const c = await compile(bytes);
    const model = await loadModel({ wasm: c.wasm, weights: c.weights });
    const err = await model.run({ x: x(5), r: ratio(0.5), t: mode(true) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeError);
    expect(err).toMatchObject({ code: 'EXECUTION_FAILED', reason: 'FAILED_CHECK' });
    await expectSameAsOrt(model, bytes, { x: x(6), r: ratio(0.5), t: mode(false) }, 0);
  });

  it('a constant training_mode=1 with a constant non-zero ratio is still refused at compile time', async () => {
    const fixed = buildModel({
      opset: 13,
      inputs: [{ name: 'x', dims: [3, 4] }],
      outputs: [{ name: 'y', dims: [3, 4] }],
      initializers: [{ name: 'r', dims: [], values: Float32Array.of(0.5) }, { name: 't', dims: [], dataType: BOOL, raw: Uint8Array.of(1) }],
      nodes: [{ op: 'Dropout', inputs: ['x', 'r', 't'], outputs: ['y'], name: 'drop' }],
    });
    await expect(compile(fixed)).rejects.toMatchObject({ code: 'UNSUPPORTED_OP', node: 'drop' });
  });
});
