// If, Loop and Scan import by inlining or unrolling their bodies; the resulting IR evaluates to
// what the ONNX spec gives, and what needs run-time values fails with DYNAMIC_SHAPE naming the node.
import { describe, expect, it } from 'vitest';
import { Tensor, getOp, makeTensor, opLabel, toNumbers } from '@onnx2wasm/ir';
import { GraphProto, onnx } from '../proto.js';
import { importModel } from '../import-model.js';

const CODES: Record<string, number> = { float32: 1, int64: 7, bool: 9 };
const T = onnx.AttributeProto.AttributeType;

const info = (name: string, dtype = 'float32', dims?: number[]) => ({ name, type: { tensorType: { elemType: CODES[dtype], ...(dims ? { shape: { dim: dims.map((d) => ({ dimValue: d })) } } : {}) } } });
function init(name: string, t: Tensor) {
  const d = t.data;
  return { name, dims: t.dims, dataType: CODES[t.dtype], rawData: new Uint8Array(d.buffer, d.byteOffset, d.byteLength) };
}
interface N { op: string; inputs: string[]; outputs: string[]; attrs?: Record<string, number | number[]>; graphs?: Record<string, GraphProto> }
const node = (n: N, i: number) => ({
  opType: n.op, name: `${n.op}_${i}`, input: n.inputs, output: n.outputs,
  attribute: [
    ...Object.entries(n.attrs ?? {}).map(([k, v]) => (Array.isArray(v) ? { name: k, type: T.INTS, ints: v } : { name: k, type: T.INT, i: v })),
    ...Object.entries(n.graphs ?? {}).map(([k, g]) => ({ name: k, type: T.GRAPH, g })),
  ],
});
const graph = (inputs: ReturnType<typeof info>[], outputs: string[], nodes: N[], inits: Record<string, Tensor> = {}): GraphProto => ({
  name: 'g', input: inputs, output: outputs.map((o) => ({ name: o })), node: nodes.map(node),
  initializer: Object.entries(inits).map(([k, t]) => init(k, t)),
});
const model = (g: GraphProto) => onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 16 }], graph: g })).finish();

function run(bytes: Uint8Array, feeds: Record<string, Tensor>): Tensor[] {
  const { graph: g } = importModel(bytes);
  const values = new Map<string, Tensor>([...g.constants, ...Object.entries(feeds)]);
  for (const n of g.nodes) {
    const outs = getOp(n.op)!.evaluate(n, n.inputs.map((i) => (i ? values.get(i) : undefined)));
    n.outputs.forEach((o, k) => o && values.set(o, outs[k]!));
  }
  return g.outputs.map((o) => values.get(o)!);
}

const f32 = (dims: number[], v: number[]) => makeTensor('float32', dims, v);
const x = f32([3], [1, 2, 3]);
const branches = {
  then_branch: graph([], ['t'], [{ op: 'Add', inputs: ['x', 'one'], outputs: ['t'] }]),
  else_branch: graph([], ['e'], [{ op: 'Mul', inputs: ['x', 'two'], outputs: ['e'] }]),
};
const consts = { one: f32([], [1]), two: f32([], [2]) };

describe('control flow', () => {
  it('If with a run-time condition computes both branches and selects', () => {
    const m = model(graph([info('c', 'bool', []), info('x', 'float32', [3])], ['y'], [{ op: 'If', inputs: ['c'], outputs: ['y'], graphs: branches }], consts));
    expect(toNumbers(run(m, { c: makeTensor('bool', [], [1]), x })[0]!)).toEqual([2, 3, 4]);
    expect(toNumbers(run(m, { c: makeTensor('bool', [], [0]), x })[0]!)).toEqual([2, 4, 6]);
  });
  it('If with a known condition inlines only the taken branch', () => {
    const m = model(graph([info('x', 'float32', [3])], ['y'], [{ op: 'If', inputs: ['c'], outputs: ['y'], graphs: branches }], { ...consts, c: makeTensor('bool', [], [0]) }));
    const { graph: g } = importModel(m);
    expect(g.nodes.map((n) => opLabel(n))).toEqual(['Mul', 'Identity']);
    expect(toNumbers(run(m, { x })[0]!)).toEqual([2, 4, 6]);
  });
  it('Loop with a known trip count unrolls; carried values and scan outputs come out', () => {
    const body = graph([info('i', 'int64', []), info('cin', 'bool', []), info('acc')], ['cin', 'acc2', 'acc2'], [{ op: 'Add', inputs: ['acc', 'x'], outputs: ['acc2'] }]);
    const m = model(graph([info('x', 'float32', [3])], ['final', 'all'], [{ op: 'Loop', inputs: ['M', '', 'zero'], outputs: ['final', 'all'], graphs: { body } }], { M: makeTensor('int64', [], [3]), zero: f32([3], [0, 0, 0]) }));
    const [final, all] = run(m, { x });
    expect(toNumbers(final!)).toEqual([3, 6, 9]);
    expect(all!.dims).toEqual([3, 3]);
    expect(toNumbers(all!)).toEqual([1, 2, 3, 2, 4, 6, 3, 6, 9]);
  });
  it('Loop with a run-time trip count imports as LoopStart, the body once, LoopEnd', () => {
    const body = graph([info('i', 'int64', []), info('cin', 'bool', []), info('v', 'float32', [2])], ['cin', 'v2'], [{ op: 'Neg', inputs: ['v'], outputs: ['v2'] }]);
    const m = model(graph([info('M', 'int64', []), info('x', 'float32', [2])], ['y'], [{ op: 'Loop', inputs: ['M', '', 'x'], outputs: ['y'], graphs: { body } }]));
    const g = importModel(m).graph;
    expect(g.nodes.map((n) => opLabel(n))).toEqual(['LoopStart', 'Neg', 'LoopEnd', 'Identity']);
    expect(g.nodes[2]!.inputs[0]).toBe('M');
  });
  it('Loop with a run-time trip count and scan outputs sizes the scan buffers from the trip count at run time', () => {
    const body = graph([info('i', 'int64', []), info('cin', 'bool', [])], ['cin', 'i'], []);
    const m = model(graph([info('M', 'int64', [])], ['s'], [{ op: 'Loop', inputs: ['M', ''], outputs: ['s'], graphs: { body } }]));
    const g = importModel(m).graph;
    // max(M, 0) rows: a ConstantOfShape of a computed shape, stacked by ScatterND, cut by TakeRows.
    expect(g.nodes.map((n) => opLabel(n))).toEqual(expect.arrayContaining(['Max', 'ConstantOfShape', 'LoopStart', 'ScatterND', 'LoopEnd', 'TakeRows']));
  });
  it('Loop with only a run-time condition and scan outputs is DYNAMIC_SHAPE naming the node and the input', () => {
    const body = graph([info('i', 'int64', []), info('cin', 'bool', [])], ['cin', 'i'], []);
    const m = model(graph([info('go', 'bool', [])], ['s'], [{ op: 'Loop', inputs: ['', 'go'], outputs: ['s'], graphs: { body } }]));
    expect(() => importModel(m)).toThrow(expect.objectContaining({ code: 'DYNAMIC_SHAPE', node: 'Loop_0', message: expect.stringMatching(/Loop node 'Loop_0': the initial condition 'go'.*must be known at compile time .*for its 1 scan output/) }));
  });
  it('Scan-9 runs the body over slices, in reverse when asked, and stacks outputs', () => {
    const body = graph([info('s'), info('row')], ['s2', 's2'], [{ op: 'Add', inputs: ['s', 'row'], outputs: ['s2'] }]);
    const xs = f32([3, 2], [1, 2, 3, 4, 5, 6]);
    const scan = (dirs: number[]) => model(graph([info('xs', 'float32', [3, 2])], ['sum', 'sums'], [{ op: 'Scan', inputs: ['s0', 'xs'], outputs: ['sum', 'sums'], attrs: { num_scan_inputs: 1, scan_input_directions: dirs }, graphs: { body } }], { s0: f32([2], [0, 0]) }));
    const [sum, sums] = run(scan([0]), { xs });
    expect(toNumbers(sum!)).toEqual([9, 12]);
    expect(toNumbers(sums!)).toEqual([1, 2, 4, 6, 9, 12]);
    expect(toNumbers(run(scan([1]), { xs })[1]!)).toEqual([5, 6, 8, 10, 9, 12]);
  });
});
