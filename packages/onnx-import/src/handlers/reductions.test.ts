// The ONNX forms of the Reduce family, ArgMax/ArgMin, CumSum, TopK, LogSoftmax and Hardmax
// (attributes in old opsets, inputs in new ones; flatten-to-2D before opset 13) import to IR whose
// reference evaluation gives the values the ONNX spec gives.
import { describe, expect, it } from 'vitest';
import { Tensor, getOp, makeTensor, toNumbers } from '@onnx2wasm/ir';
import { onnx } from '../proto.js';
import { importModel } from '../import-model.js';

const CODES: Record<string, number> = { float32: 1, int64: 7 };
type Attr = number | number[];

function tensorProto(name: string, t: Tensor) {
  const d = t.data;
  return { name, dims: t.dims, dataType: CODES[t.dtype], rawData: new Uint8Array(d.buffer, d.byteOffset, d.byteLength) };
}

/** A one-node model over input `x`; other inputs are initializers; `outputs` may hold '' for an omitted one. */
function model(opset: number, op: string, x: Tensor, inits: Record<string, Tensor>, attrs: Record<string, Attr>, outputs = ['y']): Uint8Array {
  const T = onnx.AttributeProto.AttributeType;
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: 'g',
      input: [{ name: 'x', type: { tensorType: { elemType: CODES[x.dtype], shape: { dim: x.dims.map((d) => ({ dimValue: d })) } } } }],
      output: outputs.filter(Boolean).map((name) => ({ name })),
      initializer: Object.entries(inits).map(([n, t]) => tensorProto(n, t)),
      node: [{
        opType: op, name: op, input: ['x', ...Object.keys(inits)], output: outputs,
        attribute: Object.entries(attrs).map(([name, v]) => (Array.isArray(v) ? { name, type: T.INTS, ints: v } : { name, type: T.INT, i: v })),
      }],
    },
  });
  return onnx.ModelProto.encode(proto).finish();
}

/** Imports and runs the graph with the IR ops' reference evaluates; returns the graph outputs. */
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
const f32 = (dims: number[], v: number[]) => makeTensor('float32', dims, v);
const x23 = f32([2, 3], [1, -2, 3, 4, 5, -6]);

describe('Reduce handlers by opset', () => {
  it('ReduceSum-11 takes axes as an attribute, ReduceSum-13 as an input', () => {
    const [a] = run(model(11, 'ReduceSum', x23, {}, { axes: [1], keepdims: 0 }), x23);
    const [b] = run(model(13, 'ReduceSum', x23, { axes: i64([-1]) }, { keepdims: 0 }), x23);
    expect(toNumbers(a!)).toEqual([2, 3]);
    expect(toNumbers(b!)).toEqual([2, 3]);
  });
  it('missing axes reduce everything; noop_with_empty_axes keeps the elementwise map', () => {
    const [all] = run(model(1, 'ReduceMax', x23, {}, {}), x23);
    expect(all!.dims).toEqual([1, 1]);
    expect(toNumbers(all!)).toEqual([5]);
    const [noop] = run(model(18, 'ReduceSumSquare', x23, { axes: i64([]) }, { noop_with_empty_axes: 1 }), x23);
    expect(toNumbers(noop!)).toEqual([1, 4, 9, 16, 25, 36]);
  });
  it('ReduceL2-13 uses the attribute, ReduceL2-18 the input', () => {
    const [a] = run(model(13, 'ReduceL2', x23, {}, { axes: [0] }), x23);
    const [b] = run(model(18, 'ReduceL2', x23, { axes: i64([0]) }, {}), x23);
    expect(toNumbers(a!)).toEqual(toNumbers(b!));
    expect(toNumbers(a!)[0]).toBeCloseTo(Math.sqrt(17));
  });
});

describe('ArgMax, CumSum and TopK handlers', () => {
  it('ArgMax with a negative axis and ArgMin with select_last_index', () => {
    const x = f32([2, 3], [1, 7, 7, 0, 0, 2]);
    expect(toNumbers(run(model(11, 'ArgMax', x, {}, { axis: -1, keepdims: 0 }), x)[0]!)).toEqual([1, 2]);
    expect(toNumbers(run(model(12, 'ArgMin', x, {}, { axis: 1, select_last_index: 1 }), x)[0]!)).toEqual([0, 1]);
  });
  it('CumSum reads its axis input', () => {
    const [y] = run(model(14, 'CumSum', x23, { axis: makeTensor('int64', [], [0]) }, { exclusive: 1 }), x23);
    expect(toNumbers(y!)).toEqual([0, 0, 0, 1, -2, 3]);
  });
  it('TopK-1 takes k as an attribute, TopK-10 as an input, TopK-11 adds largest', () => {
    const x = f32([5], [3, 9, 1, 9, 4]);
    const [v1, i1] = run(model(1, 'TopK', x, {}, { k: 2 }, ['v', 'i']), x);
    expect(toNumbers(v1!)).toEqual([9, 9]);
    expect(toNumbers(i1!)).toEqual([1, 3]);
    const [v10] = run(model(10, 'TopK', x, { k: i64([3]) }, {}, ['v', 'i']), x);
    expect(toNumbers(v10!)).toEqual([9, 9, 4]);
    const [i11] = run(model(11, 'TopK', x, { k: i64([2]) }, { largest: 0 }, ['', 'i']), x);
    expect(toNumbers(i11!)).toEqual([2, 0]);
  });
});

describe('LogSoftmax and Hardmax handlers by opset', () => {
  const x = f32([2, 2, 2], [1, 2, 3, 4, 8, 7, 6, 5]);
  it('opset 11 flattens at axis 1 and normalizes each row of trailing dims together', () => {
    const [h] = run(model(11, 'Hardmax', x, {}, {}), x);
    expect(toNumbers(h!)).toEqual([0, 0, 0, 1, 1, 0, 0, 0]);
    const [l] = run(model(11, 'LogSoftmax', x, {}, { axis: 1 }), x);
    const rowNorm = (r: number[]) => Math.log(r.reduce((s, v) => s + Math.exp(v), 0));
    const want = [[1, 2, 3, 4], [8, 7, 6, 5]].flatMap((r) => r.map((v) => v - rowNorm(r)));
    toNumbers(l!).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
  });
  it('opset 13 works along the one axis, default -1', () => {
    const [h] = run(model(13, 'Hardmax', x, {}, {}), x);
    expect(toNumbers(h!)).toEqual([0, 1, 0, 1, 1, 0, 1, 0]);
    const [l] = run(model(13, 'LogSoftmax', x, {}, { axis: 0 }), x);
    expect(toNumbers(l!)[0]).toBeCloseTo(1 - Math.log(Math.exp(1) + Math.exp(8)), 5);
  });
});
