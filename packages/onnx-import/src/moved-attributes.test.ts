// An attribute that an opset turned into an input (ReduceSum's axes at 13, Squeeze's at 13, …) is
// refused at the newer opsets instead of being silently dropped, and still read at the older ones.
import { describe, expect, it } from 'vitest';
import { onnx } from './proto.js';
import { importModel } from './import-model.js';
import { OnnxImportError } from './errors.js';

const vi = (name: string, dims: number[]) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });

/** ReduceSum over axis 1 of a [2, 3] input, with `axes` given as an attribute. */
const reduceSumWithAttribute = (opset: number) => onnx.ModelProto.encode(onnx.ModelProto.create({
  irVersion: 8,
  opsetImport: [{ domain: '', version: opset }],
  graph: {
    name: 'g',
    input: [vi('x', [2, 3])],
    output: [vi('y', [2, 1])],
    node: [{ opType: 'ReduceSum', name: 'sum_rows', input: ['x'], output: ['y'], attribute: [{ name: 'axes', type: 7, ints: [1] }] }],
  },
})).finish();

describe('attributes that became inputs', () => {
  it('reads the attribute at the opsets that have it', () => {
    const g = importModel(reduceSumWithAttribute(11)).graph;
    expect(g.types.get('y')!.shape).toEqual([2, 1]);
  });

  it('refuses it, naming node, op and opset, where it is an input', () => {
    let err: unknown;
    try { importModel(reduceSumWithAttribute(13)); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(OnnxImportError);
    expect((err as OnnxImportError).code).toBe('INVALID_MODEL');
    expect((err as Error).message).toMatch(/ReduceSum node 'sum_rows': attribute 'axes' became an input at opset 13, and this model imports opset 13/);
  });
});
