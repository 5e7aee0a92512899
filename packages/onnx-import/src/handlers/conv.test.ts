// The ONNX forms of Conv, the pools and BatchNormalization import to the IR's explicit form:
// auto_pad resolved to pads, kernel_shape filled in, training-mode flags refused with the node named.
import { describe, expect, it } from 'vitest';
import { Graph, Tensor, makeTensor, opLabel } from '@onnx2wasm/ir';
import { onnx } from '../proto.js';
import { importModel } from '../import-model.js';

type Attr = number | number[] | string;
interface NodeSpec { op: string; inputs: string[]; outputs?: string[]; attrs?: Record<string, Attr> }

function attrProto(name: string, v: Attr) {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') return name === 'epsilon' ? { name, type: T.FLOAT, f: v } : { name, type: T.INT, i: v };
  return { name, type: T.INTS, ints: v };
}

/** One node over input `x` (dims may be symbolic) and float32 initializers. */
function importOne(opset: number, xDims: (number | string)[], inits: Record<string, Tensor>, node: NodeSpec): Graph {
  const dim = (d: number | string) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d });
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: 'g',
      input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: xDims.map(dim) } } } }],
      output: [{ name: 'y' }],
      initializer: Object.entries(inits).map(([name, t]) => ({ name, dims: t.dims, dataType: 1, floatData: Array.from(t.data as Float32Array) })),
      node: [{ opType: node.op, name: 'n0', input: node.inputs, output: node.outputs ?? ['y'], attribute: Object.entries(node.attrs ?? {}).map(([k, v]) => attrProto(k, v)) }],
    },
  });
  return importModel(onnx.ModelProto.encode(proto).finish()).graph;
}

const ones = (dims: number[]) => makeTensor('float32', dims, new Array(dims.reduce((a, b) => a * b, 1)).fill(1));

function only(g: Graph) {
  expect(g.nodes).toHaveLength(1);
  return { node: g.nodes[0]!, shape: g.types.get(g.nodes[0]!.outputs[0]!)!.shape };
}

describe('Conv handler', () => {
  it('resolves SAME_UPPER / SAME_LOWER to explicit pads (odd pad at the end / the beginning)', () => {
    for (const [mode, pads] of [['SAME_UPPER', [0, 1, 1, 1]], ['SAME_LOWER', [1, 1, 0, 1]]] as const) {
      const g = importOne(11, [1, 2, 8, 7], { w: ones([3, 2, 3, 3]) }, { op: 'Conv', inputs: ['x', 'w'], attrs: { auto_pad: mode, strides: [2, 2] } });
      const { node, shape } = only(g);
      expect(node.attrs.pads).toEqual(pads);
      expect(node.attrs.kernel_shape).toEqual([3, 3]);
      expect(node.attrs.auto_pad).toBeUndefined();
      expect(shape).toEqual([1, 3, 4, 4]);
    }
  });

  it('VALID means no pads; an omitted bias stays omitted', () => {
    const g = importOne(1, [1, 2, 6, 6], { w: ones([4, 1, 3, 3]) }, { op: 'Conv', inputs: ['x', 'w', ''], attrs: { auto_pad: 'VALID', group: 2, pads: [1, 1, 1, 1] } });
    const { node, shape } = only(g);
    expect(node.attrs.pads).toEqual([0, 0, 0, 0]);
    expect(node.inputs).toEqual(['x', 'w']);
    expect(shape).toEqual([1, 4, 4, 4]);
  });

  it('SAME with stride 1 works on a symbolic axis; with stride 2 it asks for a static shape', () => {
    const g = importOne(11, [1, 2, 'h', 5], { w: ones([2, 2, 3, 3]) }, { op: 'Conv', inputs: ['x', 'w'], attrs: { auto_pad: 'SAME_UPPER' } });
    expect(only(g).node.attrs.pads).toEqual([1, 1, 1, 1]);
    expect(() => importOne(11, [1, 2, 'h', 5], { w: ones([2, 2, 3, 3]) }, { op: 'Conv', inputs: ['x', 'w'], attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2] } }))
      .toThrow(expect.objectContaining({ code: 'DYNAMIC_SHAPE', node: 'n0' }));
  });

  it('1-D convolution', () => {
    const g = importOne(11, [1, 3, 10], { w: ones([2, 3, 4]), b: ones([2]) }, { op: 'Conv', inputs: ['x', 'w', 'b'], attrs: { strides: [3], pads: [1, 2] } });
    expect(only(g).shape).toEqual([1, 2, 4]);
  });
});

describe('pool handlers', () => {
  it('MaxPool SAME_LOWER gives ceil(in / stride) outputs even with ceil_mode', () => {
    const g = importOne(12, [1, 1, 5, 5], {}, { op: 'MaxPool', inputs: ['x'], attrs: { kernel_shape: [2, 2], strides: [2, 2], auto_pad: 'SAME_LOWER', ceil_mode: 1 } });
    const { node, shape } = only(g);
    expect(node.attrs.pads).toEqual([1, 1, 0, 0]);
    expect(shape).toEqual([1, 1, 3, 3]);
  });

  it('AveragePool keeps count_include_pad and ceil_mode', () => {
    const g = importOne(11, [1, 1, 6, 6], {}, { op: 'AveragePool', inputs: ['x'], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1, ceil_mode: 1 } });
    const { node, shape } = only(g);
    expect(node.attrs).toMatchObject({ count_include_pad: 1, ceil_mode: 1, pads: [1, 1, 1, 1] });
    expect(shape).toEqual([1, 1, 4, 4]);
  });

  it('MaxPool keeps the Indices output (int64) and its storage_order', () => {
    const g = importOne(12, [1, 1, 4, 4], {}, { op: 'MaxPool', inputs: ['x'], outputs: ['y', 'idx'], attrs: { kernel_shape: [2, 2], storage_order: 1 } });
    const node = g.nodes[0]!;
    expect(node.outputs.length).toBe(2);
    expect(node.attrs).toMatchObject({ storage_order: 1 });
    expect(g.types.get(node.outputs[1]!)).toMatchObject({ dtype: 'int64', shape: [1, 1, 3, 3] });
  });

  it('GlobalAveragePool keeps the spatial axes as 1', () => {
    expect(only(importOne(1, [2, 3, 5, 7], {}, { op: 'GlobalAveragePool', inputs: ['x'] })).shape).toEqual([2, 3, 1, 1]);
  });
});

describe('BatchNormalization handler', () => {
  const params = { s: ones([3]), b: ones([3]), m: ones([3]), v: ones([3]) };
  it('imports inference mode with its epsilon', () => {
    const g = importOne(15, [1, 3, 4, 4], params, { op: 'BatchNormalization', inputs: ['x', 's', 'b', 'm', 'v'], attrs: { epsilon: 1e-3 } });
    const { node } = only(g);
    expect(node.op).toBe('BatchNormalization');
    expect(node.attrs.epsilon).toBeCloseTo(1e-3, 8);
  });

  it('expands training_mode=1 into batch statistics (no BatchNormalization node left)', () => {
    const g = importOne(15, [2, 3, 4, 4], params, { op: 'BatchNormalization', inputs: ['x', 's', 'b', 'm', 'v'], attrs: { training_mode: 1 } });
    expect(g.nodes.map((n) => n.op)).not.toContain('BatchNormalization');
    expect(g.nodes.filter((n) => opLabel(n) === 'ReduceMean')).toHaveLength(2);
    expect(g.types.get(g.outputs[0]!)?.shape).toEqual([2, 3, 4, 4]);
  });

  it('refuses spatial=0 with a typed error naming the node', () => {
    const spatial = () => importOne(7, [1, 3, 4, 4], params, { op: 'BatchNormalization', inputs: ['x', 's', 'b', 'm', 'v'], attrs: { spatial: 0 } });
    expect(spatial).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_OP', node: 'n0' }));
  });
});
