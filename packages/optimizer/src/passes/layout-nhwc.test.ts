import { describe, expect, it } from 'vitest';
import { Graph, Tensor, getOp, parseGraph, printGraph } from '@onnx2wasm/ir';
import { layoutNhwc } from './layout-nhwc.js';

const ctx = { maxFoldElements: 1 << 20 };

/** A constant line with deterministic small values. */
function constant(name: string, dims: number[]): string {
  const n = dims.reduce((a, b) => a * b, 1);
  return `  const %${name}: float32[${dims.join(',')}] = [${Array.from({ length: n }, (_, i) => (((i * 7) % 11) - 5) / 8).join(', ')}]`;
}

function evaluate(g: Graph, feeds: Tensor[]): Tensor[] {
  const env = new Map<string, Tensor>(g.constants);
  g.inputs.forEach((n, i) => env.set(n, feeds[i]!));
  for (const n of g.nodes) getOp(n.op)!.evaluate(n, n.inputs.map((i) => (i ? env.get(i) : undefined))).forEach((t, k) => env.set(n.outputs[k]!, t));
  return g.outputs.map((o) => env.get(o)!);
}

function expectSameResults(before: Graph, after: Graph): void {
  const shape = before.types.get(before.inputs[0]!)!.shape as number[];
  const n = shape.reduce((a, b) => a * b, 1);
  const x: Tensor = { dtype: 'float32', dims: shape, data: Float32Array.from({ length: n }, (_, i) => Math.sin(i)) };
  const want = evaluate(before, [x]), got = evaluate(after, [x]);
  want.forEach((w, k) => {
    expect(got[k]!.dims).toEqual(w.dims);
    w.data.forEach((v, i) => expect(got[k]!.data[i]).toBeCloseTo(Number(v), 5));
  });
}

const net = [
  'graph g(%x: float32[1,3,5,5]) -> (%y)',
  constant('w1', [4, 3, 3, 3]), constant('b1', [4]), constant('w2', [4, 4, 1, 1]), constant('wd', [4, 1, 3, 3]), constant('s', [4, 1, 1]),
  '  %a: float32[1,4,5,5] = Conv(%x, %w1, %b1) {activation="relu", kernel_shape=[3, 3], pads=[1, 1, 1, 1]}  # c1',
  '  %b: float32[1,4,5,5] = Conv(%a, %w2) {kernel_shape=[1, 1]}  # c2',
  '  %c: float32[1,4,5,5] = Mul(%b, %s)  # scale',
  '  %d: float32[1,4,5,5] = Conv(%c, %wd) {group=4, kernel_shape=[3, 3], pads=[1, 1, 1, 1]}  # dw',
  '  %e: float32[1,8,5,5] = Concat(%d, %a) {axis=1}  # cat',
  '  %f: float32[1,8,2,2] = MaxPool(%e) {kernel_shape=[2, 2], strides=[2, 2]}  # pool',
  '  %y: float32[1,8,1,1] = GlobalAveragePool(%f)  # gap',
].join('\n');

describe('layout-nhwc', () => {
  it('runs a conv network channels-last with one transpose at the input', () => {
    const before = parseGraph(net);
    const r = layoutNhwc.run(before, ctx);
    expect(r.changed).toBe(true);
    expect(r.graph.nodes.map((n) => n.op)).toEqual(['Transpose', 'NhwcConv', 'MatMul', 'Mul', 'NhwcConv', 'Concat', 'NhwcMaxPool', 'NhwcGlobalAveragePool', 'Dims', 'Reshape']);
    // (The last Transpose moved only size-1 dims: a Reshape, whose shape Dims fold-constants folds.)
    const text = printGraph(r.graph);
    // The 1x1 conv is a MatMul over pixels; its weights are [C, M]; the per-channel scale is [1, 1, 1, C].
    expect(text).toMatch(/%\S+: float32\[1,5,5,4\] = MatMul\(%\S+, %w2_cm_\d+\)  # c2/);
    expect(text).toMatch(/const %s_perm_\d+: float32\[1,1,1,4\]/);
    expect(text).toMatch(/float32\[1,5,5,8\] = Concat\(%\S+, %\S+\) \{axis=3\}  # cat/);
    expectSameResults(before, r.graph);
  });

  it('leaves the graph NCHW when a transpose would stay between two nodes', () => {
    const text = [
      'graph g(%x: float32[1,3,5,5]) -> (%y)',
      constant('w1', [4, 3, 3, 3]), constant('w2', [2, 4, 1, 1]),
      '  %a: float32[1,4,5,5] = Conv(%x, %w1) {kernel_shape=[3, 3], pads=[1, 1, 1, 1]}  # c1',
      '  const %shape: int64[4] = [1, 4, 25, 1]',
      '  %b: float32[1,4,25,1] = Reshape(%a, %shape)  # flat',
      '  %y: float32[1,2,25,1] = Conv(%b, %w2) {kernel_shape=[1, 1]}  # c2',
    ].join('\n');
    const r = layoutNhwc.run(parseGraph(text), ctx);
    expect(r.changed).toBe(false);
    expect(printGraph(r.graph)).toBe(printGraph(parseGraph(text)));
  });

  it('keeps the convs the code generator prefers in NCHW (and then the whole graph)', () => {
    const r = layoutNhwc.run(parseGraph(net), { ...ctx, keepsNchw: (n) => n.name === 'dw' });
    expect(r.changed).toBe(false);
  });

  it('sinks a transpose through elementwise ops with broadcast constants and a residual Add', () => {
    const text = [
      'graph g(%x: float32[2,4,3,3]) -> (%y)',
      constant('w1', [4, 4, 3, 3]), constant('w2', [4, 4, 1, 1]), constant('bias', [4, 1, 1]),
      '  %a: float32[2,4,3,3] = Conv(%x, %w1) {kernel_shape=[3, 3], pads=[1, 1, 1, 1]}  # c1',
      '  %b: float32[2,4,3,3] = Add(%a, %bias)  # add_bias',
      '  %c: float32[2,4,3,3] = Sigmoid(%b)  # act',
      '  %d: float32[2,4,3,3] = Conv(%c, %w2) {kernel_shape=[1, 1]}  # c2',
      '  %y: float32[2,4,3,3] = Add(%d, %a)  # residual',
    ].join('\n');
    const before = parseGraph(text);
    const r = layoutNhwc.run(before, ctx);
    expect(r.changed).toBe(true);
    expect(r.graph.nodes.map((n) => n.op)).toEqual(['Transpose', 'NhwcConv', 'Add', 'Sigmoid', 'MatMul', 'Add', 'Transpose']);
    expectSameResults(before, r.graph);
  });
});
