// The ONNX forms of the movement, constant, Softmax and ReduceMean handlers (attributes in old
// opsets, inputs in new ones) import to IR that evaluates to the values the ONNX spec gives.
import { describe, expect, it } from 'vitest';
import { CompileError, Tensor, getOp, makeTensor, toNumbers } from '@onnx2wasm/ir';
import { onnx } from '../proto.js';
import { importModel } from '../import-model.js';

type Attr = number | number[] | string | Tensor;
interface NodeSpec { op: string; inputs: string[]; outputs?: string[]; attrs?: Record<string, Attr> }

const CODES: Record<string, number> = { float32: 1, int64: 7, int32: 6, bool: 9 };

function tensorProto(name: string, t: Tensor) {
  const d = t.data;
  return { name, dims: t.dims, dataType: CODES[t.dtype], rawData: new Uint8Array(d.buffer, d.byteOffset, d.byteLength) };
}

function attrProto(name: string, v: Attr) {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') return Number.isInteger(v) && !name.includes('float') && name !== 'epsilon' ? { name, type: T.INT, i: v } : { name, type: T.FLOAT, f: v };
  if (Array.isArray(v)) return name.includes('floats') ? { name, type: T.FLOATS, floats: v } : { name, type: T.INTS, ints: v };
  return { name, type: T.TENSOR, t: tensorProto('', v) };
}

/** A one-input model: `x` is fed at run time, every other named tensor is an initializer. */
function model(opset: number, x: Tensor, inits: Record<string, Tensor>, nodes: NodeSpec[], output = 'y'): Uint8Array {
  const info = (name: string, t: Tensor) => ({ name, type: { tensorType: { elemType: CODES[t.dtype], shape: { dim: t.dims.map((d) => ({ dimValue: d })) } } } });
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: 'g',
      input: [info('x', x)],
      output: [{ name: output }],
      initializer: Object.entries(inits).map(([n, t]) => tensorProto(n, t)),
      node: nodes.map((n, i) => ({ opType: n.op, name: `${n.op}_${i}`, input: n.inputs, output: n.outputs ?? ['y'], attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attrProto(k, v)) })),
    },
  });
  return onnx.ModelProto.encode(proto).finish();
}

/** Imports and runs the graph with the IR ops' reference evaluates. */
function run(bytes: Uint8Array, x: Tensor): Tensor {
  const { graph } = importModel(bytes);
  const values = new Map<string, Tensor>([...graph.constants, [graph.inputs[0]!, x]]);
  for (const n of graph.nodes) {
    const outs = getOp(n.op)!.evaluate(n, n.inputs.map((i) => (i ? values.get(i) : undefined)));
    n.outputs.forEach((o, k) => o && values.set(o, outs[k]!));
  }
  const y = values.get(graph.outputs[0]!)!;
  expect(y.dims).toEqual(graph.types.get(graph.outputs[0]!)!.shape);
  return y;
}

const i64 = (v: number[]) => makeTensor('int64', [v.length], v);
const iota = (dims: number[]) => makeTensor('float32', dims, Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => i));

describe('movement handlers by opset', () => {
  it('Reshape-1 carries the shape as an attribute, Reshape-14 as an input', () => {
    const x = iota([2, 2, 3]);
    expect(run(model(1, x, {}, [{ op: 'Reshape', inputs: ['x'], attrs: { shape: [0, -1] } }]), x).dims).toEqual([2, 6]);
    const y = run(model(14, x, { s: i64([3, 0, -1]) }, [{ op: 'Reshape', inputs: ['x', 's'] }]), x);
    expect(y.dims).toEqual([3, 2, 2]);
    expect(toNumbers(y)).toEqual(toNumbers(x));
  });
  it('Squeeze/Unsqueeze: axes attribute before opset 13, constant input from 13', () => {
    const x = iota([1, 3, 1]);
    expect(run(model(11, x, {}, [{ op: 'Squeeze', inputs: ['x'], attrs: { axes: [-1] } }]), x).dims).toEqual([1, 3]);
    expect(run(model(13, x, {}, [{ op: 'Squeeze', inputs: ['x'] }]), x).dims).toEqual([3]);
    expect(run(model(13, x, { a: i64([0]) }, [{ op: 'Squeeze', inputs: ['x', 'a'] }]), x).dims).toEqual([3, 1]);
    expect(run(model(11, x, {}, [{ op: 'Unsqueeze', inputs: ['x'], attrs: { axes: [0, 4] } }]), x).dims).toEqual([1, 1, 3, 1, 1]);
    expect(run(model(13, x, { a: i64([-1, 1]) }, [{ op: 'Unsqueeze', inputs: ['x', 'a'] }]), x).dims).toEqual([1, 1, 3, 1, 1]);
  });
  it('Unsqueeze-13 with run-time axes keeps them as an input; Squeeze of a non-1 dim fails naming the node', () => {
    const x = iota([1, 3]);
    // Axes computed from a constant fold at import; these depend on the run-time input x: the rank
    // is known (2 + 1), the dims are computed at run time (tests/value-shaped-inputs.test.ts).
    const computed = model(13, x, {}, [
      { op: 'ArgMax', inputs: ['x'], outputs: ['na'], attrs: { axis: 1, keepdims: 0 } },
      { op: 'Unsqueeze', inputs: ['x', 'na'] },
    ]);
    const { graph } = importModel(computed);
    const unsqueeze = graph.nodes.find((n) => n.op === 'Unsqueeze')!;
    expect(unsqueeze.inputs).toEqual(['x', 'na']);
    expect(graph.types.get(unsqueeze.outputs[0]!)!.shape).toHaveLength(3);
    expect(() => importModel(model(11, x, {}, [{ op: 'Squeeze', inputs: ['x'], attrs: { axes: [1] } }]))).toThrow(CompileError);
  });
  it('Slice-1 attributes and Slice-10 inputs with negative steps and clamping', () => {
    const x = iota([3, 5]);
    const a = run(model(1, x, {}, [{ op: 'Slice', inputs: ['x'], attrs: { starts: [1, -3], ends: [100, -1], axes: [0, 1] } }]), x);
    expect(a.dims).toEqual([2, 2]);
    expect(toNumbers(a)).toEqual([7, 8, 12, 13]);
    const b = run(model(13, x, { s: i64([4]), e: i64([-100]), ax: i64([1]), st: i64([-2]) }, [{ op: 'Slice', inputs: ['x', 's', 'e', 'ax', 'st'] }]), x);
    expect(toNumbers(b)).toEqual([4, 2, 0, 9, 7, 5, 14, 12, 10]);
  });
  it('Concat-1 defaults axis to 1; Gather takes negative indices; Flatten and Transpose', () => {
    const x = iota([2, 2]);
    expect(toNumbers(run(model(1, x, {}, [{ op: 'Concat', inputs: ['x', 'x'] }]), x))).toEqual([0, 1, 0, 1, 2, 3, 2, 3]);
    expect(toNumbers(run(model(13, x, { i: i64([-1]) }, [{ op: 'Gather', inputs: ['x', 'i'], attrs: { axis: 1 } }]), x))).toEqual([1, 3]);
    expect(run(model(13, iota([2, 3, 4]), {}, [{ op: 'Flatten', inputs: ['x'] }]), iota([2, 3, 4])).dims).toEqual([2, 12]);
    expect(toNumbers(run(model(13, x, {}, [{ op: 'Transpose', inputs: ['x'] }]), x))).toEqual([0, 2, 1, 3]);
  });
});

describe('constant, cast and shape handlers', () => {
  it('Constant value_* forms become graph constants', () => {
    const x = iota([2]);
    const forms: [Record<string, Attr>, string, number[]][] = [
      [{ value_floats: [1.5, 2.5] }, 'float32', [1.5, 2.5]],
      [{ value_ints: [3, -4] }, 'int64', [3, -4]],
      [{ value_float: 0.25 }, 'float32', [0.25]],
      [{ value_int: 9 }, 'int64', [9]],
      [{ value: makeTensor('int32', [2], [5, 6]) }, 'int32', [5, 6]],
    ];
    for (const [attrs, dtype, values] of forms) {
      const { graph } = importModel(model(13, x, {}, [{ op: 'Constant', inputs: [], attrs }]));
      expect(graph.nodes).toEqual([]);
      const c = graph.constants.get('y')!;
      expect([c.dtype, toNumbers(c)]).toEqual([dtype, values]);
    }
    expect(() => importModel(model(13, x, {}, [{ op: 'Constant', inputs: [], attrs: { value_int: 1, value_float: 2.5 } }]))).toThrow(/exactly one value attribute/);
  });
  it('Cast-1 names the type, Cast-13 uses the TensorProto code; Shape-15 start/end', () => {
    const x = makeTensor('float32', [3], [1.7, -2.5, 0]);
    expect(toNumbers(run(model(1, x, {}, [{ op: 'Cast', inputs: ['x'], attrs: { to: 'INT32' } }]), x))).toEqual([1, -2, 0]);
    const b = run(model(13, x, {}, [{ op: 'Cast', inputs: ['x'], attrs: { to: 9 } }]), x);
    expect([b.dtype, toNumbers(b)]).toEqual(['bool', [1, 1, 0]]);
    const s = run(model(15, iota([2, 3, 4]), {}, [{ op: 'Shape', inputs: ['x'], attrs: { start: -2 } }]), iota([2, 3, 4]));
    expect(toNumbers(s)).toEqual([3, 4]);
    const c = run(model(13, x, { s: i64([2, 2]) }, [{ op: 'ConstantOfShape', inputs: ['s'], attrs: { value: makeTensor('int64', [1], [7]) } }]), x);
    expect([c.dtype, toNumbers(c)]).toEqual(['int64', [7, 7, 7, 7]]);
  });
});

describe('Softmax and ReduceMean handlers', () => {
  it('Softmax before opset 13 normalizes over all dims from axis together', () => {
    const x = makeTensor('float32', [2, 2, 2], [0, 1, 2, 3, 0, 0, 0, 0]);
    const y = toNumbers(run(model(11, x, {}, [{ op: 'Softmax', inputs: ['x'], attrs: { axis: 1 } }]), x));
    const e = [0, 1, 2, 3].map((v) => Math.exp(v));
    const sum = e.reduce((a, b) => a + b, 0);
    e.forEach((v, i) => expect(y[i]).toBeCloseTo(v / sum, 6));
    y.slice(4).forEach((v) => expect(v).toBeCloseTo(0.25, 6));
    const z = toNumbers(run(model(13, x, {}, [{ op: 'Softmax', inputs: ['x'], attrs: { axis: 1 } }]), x));
    expect(z[0]).toBeCloseTo(1 / (1 + Math.exp(2)), 6);
  });
  it('ReduceMean: axes attribute before 18; input and noop_with_empty_axes from 18', () => {
    const x = iota([2, 3]);
    expect(toNumbers(run(model(13, x, {}, [{ op: 'ReduceMean', inputs: ['x'], attrs: { axes: [1], keepdims: 0 } }]), x))).toEqual([1, 4]);
    expect(toNumbers(run(model(13, x, {}, [{ op: 'ReduceMean', inputs: ['x'] }]), x))).toEqual([2.5]);
    expect(toNumbers(run(model(18, x, { a: i64([0]) }, [{ op: 'ReduceMean', inputs: ['x', 'a'] }]), x))).toEqual([1.5, 2.5, 3.5]);
    const noop = run(model(18, x, {}, [{ op: 'ReduceMean', inputs: ['x'], attrs: { noop_with_empty_axes: 1 } }]), x);
    expect(toNumbers(noop)).toEqual(toNumbers(x));
  });
});
