// The shape and attribute resolution of the neural-network handlers: Resize / Upsample output
// sizes, ConvTranspose pads and output shapes, Attention's 3-D and cache forms, recurrent layouts
// and the quantization types. Each case imports a one-node model and checks the output types.
import { describe, expect, it } from 'vitest';
import { Dim, Tensor, getOp, makeTensor } from '@onnx2wasm/ir';
import { onnx } from '../proto.js';
import { importModel } from '../import-model.js';

type Attr = number | number[] | string | string[];
const CODES: Record<string, number> = { float32: 1, uint8: 2, int8: 3, int16: 5, int32: 6, int64: 7, bool: 9, float16: 10 };
const FLOAT_ATTRS = new Set(['scales', 'alpha', 'beta', 'bias', 'epsilon', 'scale', 'softcap', 'clip', 'p', 'activation_alpha', 'activation_beta']);

function attrProto(name: string, v: Attr) {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') return FLOAT_ATTRS.has(name) ? { name, type: T.FLOAT, f: v } : { name, type: T.INT, i: v };
  if (typeof v[0] === 'string') return { name, type: T.STRINGS, strings: (v as string[]).map((s) => new TextEncoder().encode(s)) };
  return FLOAT_ATTRS.has(name) ? { name, type: T.FLOATS, floats: v as number[] } : { name, type: T.INTS, ints: v as number[] };
}

/** A one-node model; `inputs` maps names to [dtype, shape] (run-time; a string dim is symbolic) or a Tensor (initializer). */
function importNode(opset: number, op: string, inputs: Record<string, [string, (number | string)[]] | Tensor>, outputs: string[], attrs: Record<string, Attr> = {}) {
  const graphInputs = Object.entries(inputs).filter((e): e is [string, [string, (number | string)[]]] => Array.isArray(e[1]));
  const inits = Object.entries(inputs).filter((e): e is [string, Tensor] => !Array.isArray(e[1]));
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: 'g',
      input: graphInputs.map(([name, [dtype, dims]]) => ({ name, type: { tensorType: { elemType: CODES[dtype], shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } } })),
      initializer: inits.map(([name, t]) => ({ name, dims: t.dims, dataType: CODES[t.dtype], rawData: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength) })),
      output: outputs.filter(Boolean).map((name) => ({ name })),
      node: [{ opType: op, name: 'n', input: Object.keys(inputs).map((k) => (k.startsWith('_') ? '' : k)), output: outputs, attribute: Object.entries(attrs).map(([k, v]) => attrProto(k, v)) }],
    },
  });
  return importModel(onnx.ModelProto.encode(proto).finish()).graph;
}

const shapeOf = (g: ReturnType<typeof importNode>, name: string): Dim[] => g.types.get(name)!.shape;
const f32 = (v: number[]) => makeTensor('float32', [v.length], v);
const i64 = (v: number[]) => makeTensor('int64', [v.length], v);

describe('Resize and Upsample handlers', () => {
  it('scales floor the output size; sizes with keep_aspect_ratio_policy round half up', () => {
    expect(shapeOf(importNode(13, 'Resize', { x: ['float32', [1, 1, 5, 4]], _roi: f32([]), s: f32([1, 1, 0.6, 1.7]) }, ['y']), 'y')).toEqual([1, 1, 3, 6]);
    const policy = (p: string) => shapeOf(importNode(18, 'Resize', { x: ['float32', [1, 1, 2, 4]], _roi: f32([]), _scales: f32([]), s: i64([3, 3]) }, ['y'], { axes: [2, 3], keep_aspect_ratio_policy: p }), 'y');
    expect(policy('not_larger')).toEqual([1, 1, 2, 3]);
    expect(policy('not_smaller')).toEqual([1, 1, 3, 6]);
    expect(policy('stretch')).toEqual([1, 1, 3, 3]);
  });
  it('nearest resizing of uint8 goes through float32; linear resizing of integers is refused', () => {
    const g = importNode(13, 'Resize', { x: ['uint8', [1, 1, 2, 2]], _roi: f32([]), s: f32([1, 1, 2, 2]) }, ['y'], { mode: 'nearest' });
    expect(g.types.get('y')).toEqual({ dtype: 'uint8', shape: [1, 1, 4, 4] });
    expect(() => importNode(13, 'Resize', { x: ['uint8', [1, 1, 2, 2]], _roi: f32([]), s: f32([1, 1, 2, 2]) }, ['y'], { mode: 'linear' })).toThrow(/linear resizing of uint8 is not supported/);
  });
  it('Upsample-7 takes scales as an attribute; Upsample-9 reads a run-time scales input of static length, and refuses one of unknown length by name', () => {
    expect(shapeOf(importNode(7, 'Upsample', { x: ['float32', [1, 2, 2, 3]] }, ['y'], { scales: [1, 1, 2, 2.5] }), 'y')).toEqual([1, 2, 4, 7]);
    const g = importNode(9, 'Upsample', { x: ['float32', [1, 1, 2, 2]], s: ['float32', [4]] }, ['y']);
    expect(shapeOf(g, 'y').every((d) => typeof d === 'string')).toBe(true);
    expect(g.nodes.find((n) => n.op === 'Resize')!.attrs.nearest_mode).toBe('simple');
    expect(() => importNode(9, 'Upsample', { x: ['float32', [1, 1, 2, 2]], s: ['float32', ['n']] }, ['y'])).toThrow(/scales \(input 1, 's'\) must be a compile-time constant/);
  });
});

describe('ConvTranspose handler', () => {
  const x = { x: ['float32', [1, 1, 3, 3]] as [string, number[]], w: ['float32', [1, 2, 3, 3]] as [string, number[]] };
  it('derives the output from pads, output_padding, auto_pad or output_shape', () => {
    expect(shapeOf(importNode(11, 'ConvTranspose', x, ['y'], { strides: [3, 2], pads: [1, 2, 1, 2] }), 'y')).toEqual([1, 2, 7, 3]);
    expect(shapeOf(importNode(11, 'ConvTranspose', x, ['y'], { strides: [3, 2], output_padding: [1, 1] }), 'y')).toEqual([1, 2, 10, 8]);
    expect(shapeOf(importNode(11, 'ConvTranspose', x, ['y'], { strides: [2, 2], auto_pad: 'SAME_UPPER' }), 'y')).toEqual([1, 2, 6, 6]);
    const g = importNode(11, 'ConvTranspose', x, ['y'], { strides: [3, 2], output_shape: [10, 8] });
    expect(shapeOf(g, 'y')).toEqual([1, 2, 10, 8]);
    expect(g.nodes[0]!.attrs.pads_begin).toEqual([0, 0]);
  });
});

describe('Attention handler', () => {
  it('splits 3-D inputs into heads, concatenates the cache and merges heads back', () => {
    const g = importNode(23, 'Attention', {
      q: ['float32', [2, 4, 24]], k: ['float32', [2, 6, 24]], v: ['float32', [2, 6, 30]], m: ['float32', [4, 18]],
      pk: ['float32', [2, 3, 12, 8]], pv: ['float32', [2, 3, 12, 10]],
    }, ['y', 'present_k', 'present_v', 'qk'], { q_num_heads: 3, kv_num_heads: 3 });
    expect(shapeOf(g, 'y')).toEqual([2, 4, 30]);
    expect(shapeOf(g, 'present_k')).toEqual([2, 3, 18, 8]);
    expect(shapeOf(g, 'qk')).toEqual([2, 3, 4, 18]);
    const attn = g.nodes.find((n) => n.op === 'Attention')!;
    expect(attn.attrs).toMatchObject({ causal_offset: 12, scale: 1 / Math.sqrt(8) });
  });
  it('computes float16 in float32 and casts the results back', () => {
    const g = importNode(23, 'Attention', { q: ['float16', [1, 2, 3, 4]], k: ['float16', [1, 2, 5, 4]], v: ['float16', [1, 2, 5, 4]] }, ['y']);
    expect(g.types.get('y')).toEqual({ dtype: 'float16', shape: [1, 2, 3, 4] });
    expect(g.nodes.filter((n) => n.op === 'Cast').length).toBe(4);
  });
});

describe('recurrent, pooling and quantization handlers', () => {
  it('batch-major layout transposes in and out', () => {
    const g = importNode(14, 'GRU', { x: ['float32', [3, 5, 2]], w: ['float32', [1, 18, 2]], r: ['float32', [1, 18, 6]] }, ['y', 'y_h'], { hidden_size: 6, layout: 1 });
    expect(shapeOf(g, 'y')).toEqual([3, 5, 1, 6]);
    expect(shapeOf(g, 'y_h')).toEqual([3, 1, 6]);
    expect(g.nodes.find((n) => n.op === 'GRU')!.attrs.activations).toEqual(['Sigmoid', 'Tanh']);
  });
  it('activation_alpha goes to the functions that take one', () => {
    const g = importNode(7, 'RNN', { x: ['float32', [2, 1, 3]], w: ['float32', [2, 4, 3]], r: ['float32', [2, 4, 4]] }, ['', 'y_h'],
      { hidden_size: 4, direction: 'bidirectional', activations: ['tanh', 'LeakyRelu'], activation_alpha: [0.5] });
    expect(g.nodes[0]!.attrs).toMatchObject({ activations: ['Tanh', 'LeakyRelu'], activation_alpha: [0, 0.5] });
  });
  it('LpPool rejects ceil_mode; QuantizeLinear takes its type from the zero point or output_dtype', () => {
    expect(() => importNode(18, 'LpPool', { x: ['float32', [1, 1, 4, 4]] }, ['y'], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 })).toThrow(/ceil_mode 1 is not supported/);
    const zp = makeTensor('int8', [], [3]);
    expect(importNode(13, 'QuantizeLinear', { x: ['float32', [4]], s: makeTensor('float32', [], [0.5]), z: zp }, ['y']).types.get('y')!.dtype).toBe('int8');
    expect(importNode(21, 'QuantizeLinear', { x: ['float32', [4]], s: makeTensor('float32', [], [0.5]) }, ['y'], { output_dtype: 5 }).types.get('y')!.dtype).toBe('int16');
  });
});

describe('Einsum handler', () => {
  const random = (dims: number[], seed: number) => makeTensor('float32', dims, Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 12.9898 + seed) * 2));
  const cases: [string, number[], number[]][] = [['bhqd,bhkd->bhqk', [2, 3, 4, 5], [2, 3, 6, 5]], ['ij,jk->ki', [3, 4], [4, 5]], ['i,i', [7], [7]], ['bij,jk', [2, 3, 4], [4, 2]]];
  for (const [equation, sa, sb] of cases) {
    it(`${equation} becomes a MatMul with the Einsum value`, () => {
      const g = importNode(12, 'Einsum', { a: ['float32', sa], b: ['float32', sb] }, ['y'], { equation });
      expect(g.nodes.some((n) => n.op === 'MatMul') && !g.nodes.some((n) => n.op === 'Einsum')).toBe(true);
      const values = new Map<string, Tensor>([...g.constants, ['a', random(sa, 1)], ['b', random(sb, 2)]]);
      for (const n of g.nodes) getOp(n.op)!.evaluate(n, n.inputs.map((i) => values.get(i))).forEach((t, k) => values.set(n.outputs[k]!, t));
      const [want] = getOp('Einsum')!.evaluate({ name: 'e', op: 'Einsum', inputs: [], outputs: [], attrs: { equation } }, [random(sa, 1), random(sb, 2)]);
      const got = values.get('y')!;
      expect(got.dims).toEqual(want!.dims);
      got.data.forEach((v, i) => expect(Number(v)).toBeCloseTo(Number(want!.data[i]), 4));
    });
  }
  it('diagonals keep the generic Einsum op', () => {
    expect(importNode(12, 'Einsum', { a: ['float32', [3, 3]], b: ['float32', [3]] }, ['y'], { equation: 'ii,i->i' }).nodes[0]!.op).toBe('Einsum');
  });
});
