// The ONNX forms of Split, Pad, Tile, Compress, Dropout, CastLike and Scatter that the backend
// conformance cases do not reach (attribute forms of old opsets, constant conditions, training
// mode) import to IR that evaluates to the values the ONNX spec gives.
import { describe, expect, it } from 'vitest';
import { Tensor, getOp, makeTensor, toNumbers } from '@onnx2wasm/ir';
import { onnx } from '../proto.js';
import { importModel } from '../import-model.js';

type Attr = number | number[] | string;
interface NodeSpec { op: string; inputs: string[]; outputs?: string[]; attrs?: Record<string, Attr> }
const CODES: Record<string, number> = { float32: 1, int64: 7, bool: 9 };
const FLOAT_ATTRS = new Set(['value', 'ratio']);

function attrProto(name: string, v: Attr) {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') return FLOAT_ATTRS.has(name) ? { name, type: T.FLOAT, f: v } : { name, type: T.INT, i: v };
  return { name, type: T.INTS, ints: v };
}

/** A model with run-time input `x`; every other named tensor is an initializer. */
function model(opset: number, x: Tensor, inits: Record<string, Tensor>, node: NodeSpec): Uint8Array {
  const tensor = (name: string, t: Tensor) => ({ name, dims: t.dims, dataType: CODES[t.dtype], rawData: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength) });
  const outputs = node.outputs ?? ['y'];
  return onnx.ModelProto.encode(onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: 'g',
      input: [{ name: 'x', type: { tensorType: { elemType: CODES[x.dtype], shape: { dim: x.dims.map((d) => ({ dimValue: d })) } } } }],
      output: outputs.map((name) => ({ name })),
      initializer: Object.entries(inits).map(([n, t]) => tensor(n, t)),
      node: [{ opType: node.op, name: node.op, input: node.inputs, output: outputs, attribute: Object.entries(node.attrs ?? {}).map(([k, v]) => attrProto(k, v)) }],
    },
  })).finish();
}

/** Imports and runs the graph with the IR ops' reference evaluates; returns every graph output. */
function run(bytes: Uint8Array, x: Tensor): Tensor[] {
  const { graph } = importModel(bytes);
  const values = new Map<string, Tensor>([...graph.constants, [graph.inputs[0]!, x]]);
  for (const n of graph.nodes) {
    const outs = getOp(n.op)!.evaluate(n, n.inputs.map((i) => (i ? values.get(i) : undefined)));
    n.outputs.forEach((o, k) => o && values.set(o, outs[k]!));
  }
  return graph.outputs.map((o) => {
    const y = values.get(o)!;
    expect(y.dims).toEqual(graph.types.get(o)!.shape);
    return y;
  });
}

const i64 = (v: number[]) => makeTensor('int64', [v.length], v);
const iota = (dims: number[]) => makeTensor('float32', dims, Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => i));

describe('Split handlers by opset', () => {
  const x = iota([6]);
  it('sizes as an attribute (opset 2, 11) or an input (13); equal parts when omitted', () => {
    const two = { op: 'Split', inputs: ['x'], outputs: ['a', 'b'] };
    expect(run(model(2, x, {}, { ...two, attrs: { split: [2, 4] } }), x).map(toNumbers)).toEqual([[0, 1], [2, 3, 4, 5]]);
    expect(run(model(11, x, {}, two), x).map(toNumbers)).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(run(model(13, x, { s: i64([5, 1]) }, { ...two, inputs: ['x', 's'] }), x).map(toNumbers)).toEqual([[0, 1, 2, 3, 4], [5]]);
  });
  it('uneven parts need opset 18 num_outputs', () => {
    const four = { op: 'Split', inputs: ['x'], outputs: ['a', 'b', 'c', 'd'] };
    expect(() => importModel(model(13, x, {}, four))).toThrow(/cannot split 6 entries into 4 equal parts/);
    expect(run(model(18, x, {}, { ...four, attrs: { num_outputs: 4 } }), x).map((t) => t.dims)).toEqual([[2], [2], [2], [0]]);
    expect(() => importModel(model(18, x, {}, { ...four, attrs: { num_outputs: 3 } }))).toThrow(/num_outputs is 3 but the node has 4 outputs/);
  });
});

describe('Pad handlers by opset', () => {
  const x = iota([2, 2]);
  it("Pad-1 'paddings' and Pad-2 'pads' attributes with a float value", () => {
    const want = [7, 7, 7, 7, 0, 1, 7, 2, 3];
    for (const [opset, name] of [[1, 'paddings'], [2, 'pads']] as const) {
      const [y] = run(model(opset, x, {}, { op: 'Pad', inputs: ['x'], attrs: { [name]: [1, 1, 0, 0], value: 7 } }), x);
      expect([y!.dims, toNumbers(y!)]).toEqual([[3, 3], want]);
    }
  });
  it('Pad-11 inputs with reflect mode; Pad-18 axes with an omitted constant_value', () => {
    const [r] = run(model(11, x, { p: i64([0, 1, 0, 1]) }, { op: 'Pad', inputs: ['x', 'p'], attrs: { mode: 'reflect' } }), x);
    expect(toNumbers(r!)).toEqual([1, 0, 1, 0, 3, 2, 3, 2]);
    const [a] = run(model(18, x, { p: i64([1, 0]), ax: i64([-2]) }, { op: 'Pad', inputs: ['x', 'p', '', 'ax'] }), x);
    expect(toNumbers(a!)).toEqual([0, 0, 0, 1, 2, 3]);
  });
});

describe('rewritten ops', () => {
  it('Tile-1 repeats along one axis given as inputs', () => {
    const x = iota([2, 2]);
    const [y] = run(model(1, x, { t: makeTensor('int64', [], [2]), a: makeTensor('int64', [], [1]) }, { op: 'Tile', inputs: ['x', 't', 'a'] }), x);
    expect(toNumbers(y!)).toEqual([0, 1, 0, 1, 2, 3, 2, 3]);
  });
  it('Compress with a constant condition becomes a Gather (flattened without an axis); a run-time one must be 1-D (it becomes NonZero → Gather: tests/value-dependent-shapes.test.ts)', () => {
    const x = iota([3, 2]);
    const cond = makeTensor('bool', [3], [0, 1, 1]);
    expect(toNumbers(run(model(11, x, { c: cond }, { op: 'Compress', inputs: ['x', 'c'], attrs: { axis: 0 } }), x)[0]!)).toEqual([2, 3, 4, 5]);
    expect(toNumbers(run(model(11, x, { c: cond }, { op: 'Compress', inputs: ['x', 'c'] }), x)[0]!)).toEqual([1, 2]);
    const dynamic = model(11, x, {}, { op: 'Compress', inputs: ['x', 'x'] });
    expect(() => importModel(dynamic)).toThrow(expect.objectContaining({ message: expect.stringMatching(/condition must be 1-D, got \[3,2\]/) }));
  });
  it('Dropout is identity with an all-ones mask; training_mode with a non-zero ratio is unsupported', () => {
    const x = iota([2, 3]);
    const [y, m] = run(model(7, x, {}, { op: 'Dropout', inputs: ['x'], outputs: ['y', 'm'], attrs: { ratio: 0.3 } }), x);
    expect([toNumbers(y!), m!.dtype, toNumbers(m!)]).toEqual([toNumbers(x), 'float32', [1, 1, 1, 1, 1, 1]]);
    const train = makeTensor('bool', [], [1]);
    const [, mask] = run(model(13, x, { r: makeTensor('float32', [], [0]), t: train }, { op: 'Dropout', inputs: ['x', 'r', 't'], outputs: ['y', 'm'] }), x);
    expect(mask!.dtype).toBe('bool');
    expect(() => importModel(model(13, x, { t: train }, { op: 'Dropout', inputs: ['x', '', 't'] }))).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_OP' }));
  });
  it('CastLike casts to the type of its second input; Scatter-9 is ScatterElements', () => {
    const x = makeTensor('float32', [3], [1.7, -2.5, 0]);
    const [c] = run(model(15, x, { like: i64([0]) }, { op: 'CastLike', inputs: ['x', 'like'] }), x);
    expect([c!.dtype, toNumbers(c!)]).toEqual(['int64', [1, -2, 0]]);
    const [s] = run(model(9, x, { i: i64([2]), u: makeTensor('float32', [1], [9]) }, { op: 'Scatter', inputs: ['x', 'i', 'u'] }), x);
    expect(toNumbers(s!)).toEqual([1.7000000476837158, -2.5, 9]);
  });
});
