// NonZero, Unique and NonMaxSuppression: folded from known inputs, their evaluates follow the ONNX
// spec's examples. Without values, their counts become run-time dims (computed-dims.ts).
import { describe, expect, it } from 'vitest';
import { Graph, Node } from '../graph.js';
import { inferNode } from '../infer-node.js';
import { getOp } from '../op-registry.js';
import { Tensor, makeTensor, toNumbers } from '../tensor.js';
import './index.js';

const node = (op: string, inputs: string[], outputs = 1, attrs = {}): Node => ({ name: 'n', op, inputs, outputs: Array.from({ length: outputs }, (_, k) => `y${k}`), attrs });
const evaluate = (n: Node, values: Tensor[]) => getOp(n.op)!.evaluate(n, values);
const f32 = (dims: number[], v: number[]) => makeTensor('float32', dims, v);

describe('data-dependent ops', () => {
  it('NonZero lists indices per axis in row-major order', () => {
    const [y] = evaluate(node('NonZero', ['x']), [f32([2, 2], [1, 0, 1, 1])]);
    expect(y!.dims).toEqual([2, 3]);
    expect(toNumbers(y!)).toEqual([0, 1, 1, 0, 0, 1]);
  });
  it('Unique sorted and unsorted, flat and along an axis', () => {
    const x = f32([6], [2, 1, 1, 3, 4, 3]);
    const sorted = evaluate(node('Unique', ['x'], 4, { sorted: 1 }), [x]).map(toNumbers);
    expect(sorted).toEqual([[1, 2, 3, 4], [1, 0, 3, 4], [1, 0, 0, 2, 3, 2], [2, 1, 2, 1]]);
    const firstSeen = evaluate(node('Unique', ['x'], 4, { sorted: 0 }), [x]).map(toNumbers);
    expect(firstSeen).toEqual([[2, 1, 3, 4], [0, 1, 3, 4], [0, 1, 1, 2, 3, 2], [1, 2, 2, 1]]);
    const rows = evaluate(node('Unique', ['x'], 4, { axis: 0, sorted: 1 }), [f32([3, 3], [1, 0, 0, 1, 0, 0, 2, 3, 4])]);
    expect(rows[0]!.dims).toEqual([2, 3]);
    expect(toNumbers(rows[0]!)).toEqual([1, 0, 0, 2, 3, 4]);
    expect(toNumbers(rows[2]!)).toEqual([0, 0, 1]);
  });
  it('NonMaxSuppression keeps the best boxes per class under the IoU limit', () => {
    const boxes = f32([1, 4, 4], [0, 0, 1, 1, 0, 0.1, 1, 1.1, 0, 10, 1, 11, 1, 1, 0, 0]);
    const scores = f32([1, 1, 4], [0.9, 0.75, 0.6, 0.95]);
    const [y] = evaluate(node('NonMaxSuppression', ['b', 's', 'm', 'i', 't'], 1, { center_point_box: 0 }), [boxes, scores, makeTensor('int64', [1], [3]), f32([1], [0.5]), f32([1], [0])]);
    expect(y!.dims).toEqual([2, 3]);
    expect(toNumbers(y!)).toEqual([0, 0, 3, 0, 0, 2]);
  });
  it("without known inputs, NonZero's count is a run-time dim named after the node", () => {
    const g: Graph = { name: 'g', inputs: ['x'], outputs: [], nodes: [], types: new Map([['x', { dtype: 'float32', shape: [3, 'seq'] }]]), constants: new Map() };
    expect(inferNode(g, { ...node('NonZero', ['x']), name: 'mask/nz:0' })).toEqual([{ dtype: 'int64', shape: [2, 'rt_mask_nz_0_count'] }]);
  });
  it('without known inputs, Unique and NonMaxSuppression count at run time too', () => {
    const g: Graph = { name: 'g', inputs: ['x', 'b', 's'], outputs: [], nodes: [], types: new Map([['x', { dtype: 'float32', shape: [3, 4] }], ['b', { dtype: 'float32', shape: [1, 5, 4] }], ['s', { dtype: 'float32', shape: [1, 2, 5] }]]), constants: new Map() };
    expect(inferNode(g, { ...node('Unique', ['x'], 4), attrs: { axis: 1, sorted: 1 } }).map((t) => t.shape)).toEqual([[3, 'rt_n_count'], ['rt_n_count'], [4], ['rt_n_count']]);
    expect(inferNode(g, node('Unique', ['x'], 4, { sorted: 1 }))[2]!.shape).toEqual([12]);
    expect(inferNode(g, node('NonMaxSuppression', ['b', 's']))).toEqual([{ dtype: 'int64', shape: ['rt_n_count', 3] }]);
    expect(() => inferNode(g, node('NonMaxSuppression', ['x', 's']))).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
  });
});
