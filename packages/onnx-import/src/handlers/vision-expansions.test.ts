// CenterCropPad, Col2Im, MaxUnpool, TensorScatter and AffineGrid are expansions into existing IR
// ops: importing them and running the IR reference evaluates gives the values the ONNX spec does.
import { describe, expect, it } from 'vitest';
import { Tensor, getOp, makeTensor, toNumbers } from '@onnx2wasm/ir';
import { onnx } from '../proto.js';
import { importModel } from '../import-model.js';

const CODES: Record<string, number> = { float32: 1, int64: 7 };
type Attr = number | number[] | string;

function tensorProto(name: string, t: Tensor) {
  const d = t.data;
  return { name, dims: t.dims, dataType: CODES[t.dtype], rawData: new Uint8Array(d.buffer, d.byteOffset, d.byteLength) };
}

function attrProto(name: string, v: Attr) {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  return typeof v === 'number' ? { name, type: T.INT, i: v } : { name, type: T.INTS, ints: v };
}

/** Imports a one-node model (x fed at run time, `inits` as initializers) and evaluates it with the references. */
function run(opset: number, op: string, x: Tensor, inits: Record<string, Tensor>, inputs: string[], attrs: Record<string, Attr> = {}): Tensor {
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: 'g',
      input: [{ name: 'x', type: { tensorType: { elemType: CODES[x.dtype], shape: { dim: x.dims.map((d) => ({ dimValue: d })) } } } }],
      output: [{ name: 'y' }],
      initializer: Object.entries(inits).map(([n, t]) => tensorProto(n, t)),
      node: [{ opType: op, name: 'n0', input: inputs, output: ['y'], attribute: Object.entries(attrs).map(([k, v]) => attrProto(k, v)) }],
    },
  });
  const { graph } = importModel(onnx.ModelProto.encode(proto).finish());
  const values = new Map<string, Tensor>([...graph.constants, ['x', x]]);
  for (const n of graph.nodes) {
    const outs = getOp(n.op)!.evaluate(n, n.inputs.map((i) => (i ? values.get(i) : undefined)));
    n.outputs.forEach((o, k) => o && values.set(o, outs[k]!));
  }
  return values.get(graph.outputs[0]!)!;
}

const f32 = (dims: number[], v: number[]) => makeTensor('float32', dims, v);
const i64 = (dims: number[], v: number[]) => makeTensor('int64', dims, v);
const iota = (dims: number[]) => f32(dims, Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => i));

describe('vision op expansions', () => {
  it('CenterCropPad crops (odd extra at the end) and pads around the centre', () => {
    const y = run(18, 'CenterCropPad', iota([3, 4]), { s: i64([2], [2, 6]) }, ['x', 's']);
    expect(y.dims).toEqual([2, 6]);
    expect(toNumbers(y)).toEqual([0, 0, 1, 2, 3, 0, 0, 4, 5, 6, 7, 0]);
  });

  it('Col2Im sums overlapping blocks back into the image', () => {
    // Channel t (kernel position (t / 2, t % 2)) holds 10 t + l for block l.
    const x = f32([1, 4, 2], [0, 1, 10, 11, 20, 21, 30, 31]);
    const y = run(18, 'Col2Im', x, { img: i64([2], [2, 3]), blk: i64([2], [2, 2]) }, ['x', 'img', 'blk']);
    expect(y.dims).toEqual([1, 1, 2, 3]);
    expect(toNumbers(y)).toEqual([0, 11, 11, 20, 51, 31]);
  });

  it('MaxUnpool writes each value at its flat index, zeros elsewhere', () => {
    const y = run(11, 'MaxUnpool', f32([1, 1, 2, 2], [1, 2, 3, 4]), { i: i64([1, 1, 2, 2], [0, 3, 8, 15]) }, ['x', 'i'], { kernel_shape: [2, 2], strides: [2, 2] });
    expect(y.dims).toEqual([1, 1, 4, 4]);
    expect(toNumbers(y)).toEqual([1, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 4]);
  });

  it('TensorScatter in circular mode wraps past the cache end', () => {
    const y = run(24, 'TensorScatter', f32([1, 4, 1], [0, 0, 0, 0]), { u: f32([1, 3, 1], [1, 2, 3]), w: i64([1], [2]) }, ['x', 'u', 'w'], { mode: 'circular' });
    expect(toNumbers(y)).toEqual([3, 0, 1, 2]);
  });

  it('AffineGrid of the identity gives the pixel-centre coordinates (x first)', () => {
    const y = run(20, 'AffineGrid', f32([1, 2, 3], [1, 0, 0, 0, 1, 0]), { s: i64([4], [1, 1, 2, 2]) }, ['x', 's']);
    expect(y.dims).toEqual([1, 2, 2, 2]);
    expect(toNumbers(y)).toEqual([-0.5, -0.5, 0.5, -0.5, -0.5, 0.5, 0.5, 0.5]);
  });
});
