// Symbolic input dims at import: ONNX dim_params become identifier symbols, and constant Reshape
// targets traced at batch 1 follow the batch symbol.
import { describe, expect, it } from 'vitest';
import { makeTensor } from '@onnx2wasm/ir';
import { onnx } from './proto.js';
import { importModel } from './import-model.js';

function reshapeModel(inDims: (number | string)[], target: number[]): Uint8Array {
  const t = makeTensor('int64', [target.length], target);
  const d = t.data as BigInt64Array;
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'g',
      input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: inDims.map((v) => (typeof v === 'number' ? { dimValue: v } : { dimParam: v })) } } } }],
      output: [{ name: 'y' }],
      initializer: [{ name: 's', dims: [target.length], dataType: 7, rawData: new Uint8Array(d.buffer, d.byteOffset, d.byteLength) }],
      node: [{ opType: 'Reshape', name: 'r', input: ['x', 's'], output: ['y'] }],
    },
  });
  return onnx.ModelProto.encode(proto).finish();
}

const outShape = (bytes: Uint8Array, inputShapes?: Record<string, (number | string)[]>) => {
  const g = importModel(bytes, { inputShapes }).graph;
  return g.types.get('y')!.shape;
};

describe('symbolic dims at import', () => {
  it('turns dim_params into identifier symbols', () => {
    const g = importModel(reshapeModel(['batch size', '2seq', 4], [0, 0, 2, 2])).graph;
    expect(g.types.get('x')!.shape).toEqual(['batch_size', '_2seq', 4]);
    expect(g.types.get('y')!.shape).toEqual(['batch_size', '_2seq', 2, 2]);
  });
  it('reads a traced batch-1 leading dim as the batch symbol the user gave the input', () => {
    expect(outShape(reshapeModel([1, 116, 7, 7], [1, 2, 58, 7, 7]), { x: ['N', 116, 7, 7] })).toEqual(['N', 2, 58, 7, 7]);
    expect(outShape(reshapeModel([1, 58, 2, 7, 7], [1, -1, 7, 7]), { x: ['N', 58, 2, 7, 7] })).toEqual(['N', 116, 7, 7]);
    expect(outShape(reshapeModel([1, 116, 7, 7], [1, 2, 58, 7, 7]))).toEqual([1, 2, 58, 7, 7]);
  });
  it('keeps the literal 1 where the model itself declares a symbolic batch', () => {
    expect(outShape(reshapeModel(['N', 58, 2, 7, 7], [1, -1, 7, 7]))).toEqual([1, '116*N', 7, 7]);
  });
  it('leaves targets that adapt to the batch or do not fit it alone', () => {
    expect(outShape(reshapeModel(['N', 512, 1, 1], [0, -1]))).toEqual(['N', 512]);
    // 512*N does not divide by 7 for every N: no batch reading, and the -1 stays unknown.
    const odd = outShape(reshapeModel(['N', 512], [1, -1, 7]));
    expect([odd[0], odd[2]]).toEqual([1, 7]);
    expect(outShape(reshapeModel(['batch', 6], [2, 3, -1]))).toEqual([2, 3, 'batch']);
  });
});
