// knownInputs (value variants): the input stays a graph input, the nodes read a constant copy of
// the value, so handlers see it; a value that does not fit the input's type is refused.
import { describe, expect, it } from 'vitest';
import { makeTensor } from '@onnx2wasm/ir';
import { onnx } from './proto.js';
import { decodeModel, importModel } from './import-model.js';
import { declaredTypes } from './declared-shapes.js';

const unsqueeze = onnx.ModelProto.encode(onnx.ModelProto.create({
  irVersion: 8,
  opsetImport: [{ domain: '', version: 13 }],
  graph: {
    name: 'g',
    input: [
      { name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 2 }, { dimValue: 3 }] } } } },
      { name: 'axes', type: { tensorType: { elemType: 7, shape: { dim: [{ dimValue: 1 }] } } } },
    ],
    output: [{ name: 'y', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'a' }, { dimValue: 2 }, { dimValue: 3 }] } } } }],
    node: [{ opType: 'Unsqueeze', name: 'u', input: ['x', 'axes'], output: ['y'] }],
  },
})).finish();

describe('knownInputs', () => {
  it('keeps the input and lets the handler read the value', () => {
    const g = importModel(unsqueeze, { knownInputs: { axes: makeTensor('int64', [1], [-1]) } }).graph;
    expect(g.inputs).toEqual(['x', 'axes']);
    expect(g.types.get('y')!.shape).toEqual([2, 3, 1]);
    expect(g.nodes.some((n) => n.inputs.includes('axes'))).toBe(false);
  });

  it('refuses a value of another shape or dtype', () => {
    expect(() => importModel(unsqueeze, { knownInputs: { axes: makeTensor('int64', [2], [0, 1]) } })).toThrow(/knownInputs\['axes'\] is int64\[2\], the model's input is int64\[1\]/);
    expect(() => importModel(unsqueeze, { knownInputs: { axes: makeTensor('int32', [1], [0]) } })).toThrow(/knownInputs/);
    expect(() => importModel(unsqueeze, { knownInputs: { nope: makeTensor('int64', [1], [0]) } })).toThrow(/'nope' named in the compile options is not an input/);
  });

  it('declaredTypes reads inputs and every declared shape without importing', () => {
    const d = declaredTypes(decodeModel(unsqueeze));
    expect(d.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: [2, 3] }, { name: 'axes', dtype: 'int64', shape: [1] }]);
    expect(d.shapes).toContainEqual([undefined, 2, 3]);
  });
});
