import { describe, expect, it } from 'vitest';
import { Graph, Tensor, getOp, opLabel, parseGraph, printGraph } from '@onnx2wasm/ir';
import { layoutNhwc } from './layout-nhwc.js';

const ctx = { maxFoldElements: 1 << 20 };
/** These small graphs test the rewrites; the boundary-cost rule of 'auto' has its own tests. */
const forced = { ...ctx, layout: 'nhwc' as const };

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
  '  %a: float32[1,4,5,5] = Conv(%x, %w1, %b1) {activation="relu", dilations=[1, 1], group=1, kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]}  # c1',
  '  %b: float32[1,4,5,5] = Conv(%a, %w2) {dilations=[1, 1], group=1, kernel_shape=[1, 1], pads=[0, 0, 0, 0], strides=[1, 1]}  # c2',
  '  %c: float32[1,4,5,5] = Mul(%b, %s)  # scale',
  '  %d: float32[1,4,5,5] = Conv(%c, %wd) {dilations=[1, 1], group=4, kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]}  # dw',
  '  %e: float32[1,8,5,5] = Concat(%d, %a) {axis=1}  # cat',
  '  %f: float32[1,8,2,2] = MaxPool(%e) {ceil_mode=0, dilations=[1, 1], kernel_shape=[2, 2], pads=[0, 0, 0, 0], strides=[2, 2]}  # pool',
  '  %y: float32[1,8,1,1] = GlobalAveragePool(%f)  # gap',
].join('\n');

describe('layout-nhwc', () => {
  it('runs a conv network channels-last with one transpose at the input', () => {
    const before = parseGraph(net);
    const r = layoutNhwc.run(before, forced);
    expect(r.changed).toBe(true);
    expect(r.graph.nodes.map((n) => opLabel(n))).toEqual(['Transpose', 'NhwcConv', 'MatMul', 'Mul', 'NhwcConv', 'Concat', 'NhwcMaxPool', 'NhwcGlobalAveragePool', 'Dims', 'Reshape']);
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
      constant('w1', [4, 3, 3, 3]), constant('w2', [2, 20, 1, 1]),
      '  %a: float32[1,4,5,5] = Conv(%x, %w1) {dilations=[1, 1], group=1, kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]}  # c1',
      '  const %shape: int64[4] = [1, 20, 5, 1]',
      '  %b: float32[1,20,5,1] = Reshape(%a, %shape) {allowzero=0}  # mixes channels with rows',
      '  %y: float32[1,2,5,1] = Conv(%b, %w2) {dilations=[1, 1], group=1, kernel_shape=[1, 1], pads=[0, 0, 0, 0], strides=[1, 1]}  # c2',
    ].join('\n');
    const r = layoutNhwc.run(parseGraph(text), ctx);
    expect(r.changed).toBe(false);
    expect(printGraph(r.graph)).toBe(printGraph(parseGraph(text)));
  });

  it('keeps the convs the code generator prefers in NCHW (and then the whole graph)', () => {
    const r = layoutNhwc.run(parseGraph(net), { ...ctx, keepsNchw: (n) => (n.name === 'dw' ? 'faster' : false) });
    expect(r.changed).toBe(false);
  });

  it('sinks a transpose through elementwise ops with broadcast constants and a residual Add', () => {
    const text = [
      'graph g(%x: float32[2,4,3,3]) -> (%y)',
      constant('w1', [4, 4, 3, 3]), constant('w2', [4, 4, 1, 1]), constant('bias', [4, 1, 1]),
      '  %a: float32[2,4,3,3] = Conv(%x, %w1) {dilations=[1, 1], group=1, kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]}  # c1',
      '  %b: float32[2,4,3,3] = Add(%a, %bias)  # add_bias',
      '  %c: float32[2,4,3,3] = Sigmoid(%b)  # act',
      '  %d: float32[2,4,3,3] = Conv(%c, %w2) {dilations=[1, 1], group=1, kernel_shape=[1, 1], pads=[0, 0, 0, 0], strides=[1, 1]}  # c2',
      '  %y: float32[2,4,3,3] = Add(%d, %a)  # residual',
    ].join('\n');
    const before = parseGraph(text);
    const r = layoutNhwc.run(before, forced);
    expect(r.changed).toBe(true);
    expect(r.graph.nodes.map((n) => opLabel(n))).toEqual(['Transpose', 'NhwcConv', 'Add', 'Sigmoid', 'MatMul', 'Add', 'Transpose']);
    expectSameResults(before, r.graph);
  });

  it('carries a channel shuffle, channel split and spatial mean over to NHWC (only the shuffle copy stays)', () => {
    const text = [
      'graph g(%x: float32[1,8,4,4]) -> (%y)',
      constant('w1', [8, 8, 1, 1]), constant('w2', [4, 4, 3, 3]),
      '  const %split5: int64[5] = [1, 2, 4, 4, 4]',
      '  const %flat4: int64[4] = [1, 8, 4, 4]',
      '  const %zero: int64[1] = [0]',
      '  const %four: int64[1] = [4]',
      '  const %eight: int64[1] = [8]',
      '  const %one: int64[1] = [1]',
      '  %a: float32[1,8,4,4] = Conv(%x, %w1) {dilations=[1, 1], group=1, kernel_shape=[1, 1], pads=[0, 0, 0, 0], strides=[1, 1]}  # c1',
      '  %r: float32[1,2,4,4,4] = Reshape(%a, %split5) {allowzero=0}  # groups',
      '  %t: float32[1,4,2,4,4] = Transpose(%r) {perm=[0, 2, 1, 3, 4]}  # shuffle',
      '  %s: float32[1,8,4,4] = Reshape(%t, %flat4) {allowzero=0}  # merge',
      '  %lo: float32[1,4,4,4] = Slice(%s, %zero, %four, %one)  # lo',
      '  %hi: float32[1,4,4,4] = Slice(%s, %four, %eight, %one)  # hi',
      '  %b: float32[1,4,4,4] = Conv(%hi, %w2) {dilations=[1, 1], group=1, kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]}  # c2',
      '  %c: float32[1,8,4,4] = Concat(%lo, %b) {axis=1}  # cat',
      '  %y: float32[1,8] = ReduceMean(%c) {axes=[2, 3], keepdims=0, noop_with_empty_axes=0}  # mean',
    ].join('\n');
    const before = parseGraph(text);
    const r = layoutNhwc.run(before, forced);
    expect(r.changed).toBe(true);
    const transposes = r.graph.nodes.filter((n) => n.op === 'Transpose');
    // The input's, and the shuffle itself: [1, 4, 4, 2, 4] → [1, 4, 4, 4, 2] (channels of the two groups interleave).
    expect(transposes.map((n) => n.attrs.perm)).toEqual([[0, 2, 3, 1], [0, 1, 2, 4, 3]]);
    expect(printGraph(r.graph)).toMatch(/float32\[1,8\] = ReduceMean\(%\S+\) \{axes=\[1, 2\], keepdims=0, noop_with_empty_axes=0\}  # mean/);
    expectSameResults(before, r.graph);
  });

  const chain = (input: number[], head: string[]) => parseGraph([
    `graph g(%x: float32[${input.join(',')}]) -> (%y)`,
    constant('w1', [16, input[1]!, 3, 3]), constant('w2', [16, 16, 3, 3]),
    `  %a: float32[1,16,${input[2]},${input[3]}] = Conv(%x, %w1) {dilations=[1, 1], group=1, kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]}  # c1`,
    ...head,
  ].join('\n'));

  it('auto: converts when the boundary transposes are cheap next to the NHWC work', () => {
    const g = chain([1, 2, 8, 8], [
      '  %b: float32[1,16,8,8] = Conv(%a, %w2) {dilations=[1, 1], group=1, kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]}  # c2',
      '  %y: float32[1,16,1,1] = GlobalAveragePool(%b)  # gap',
    ]);
    const r = layoutNhwc.run(g, ctx);
    expect(r.changed).toBe(true);
    expect(r.graph.nodes.filter((n) => n.op === 'Transpose')).toHaveLength(1);
    expectSameResults(g, r.graph);
  });

  it('auto: a lone conv stays NCHW (its input and output transposes would copy as much as it writes)', () => {
    const g = chain([1, 16, 8, 8], ['  %y: float32[1,16,8,8] = Relu(%a)  # act']);
    expect(layoutNhwc.run(g, ctx).changed).toBe(false);
    expect(layoutNhwc.run(g, forced).changed).toBe(true);
  });

  it("'nchw' never converts", () => {
    expect(layoutNhwc.run(parseGraph(net), { ...ctx, layout: 'nchw' }).changed).toBe(false);
  });

  it('says what it chose and why (inspect prints the note)', () => {
    const g = chain([1, 16, 8, 8], ['  %y: float32[1,16,8,8] = Relu(%a)  # act']);
    expect(layoutNhwc.run(g, ctx).note).toBe('stays NCHW: the transposes at the graph boundary would copy 200% of what the NHWC nodes write');
    expect(layoutNhwc.run(parseGraph(net), { ...ctx, keepsNchw: (n) => (n.name === 'dw' ? 'faster' : false) }).note)
      .toBe('stays NCHW: 3 transposes would remain between nodes; kept NCHW: dw (faster in NCHW)');
    expect(layoutNhwc.run(parseGraph(net), forced).note).toBe('NHWC: 5 convs and pools channels-last, 1 transpose at the graph boundary');
  });

  it('carries Pad, Resize and a standalone BatchNormalization over to NHWC', () => {
    const text = [
      'graph g(%x: float32[1,3,6,6]) -> (%y)',
      constant('w1', [4, 3, 3, 3]), constant('w2', [4, 4, 3, 3]), constant('gamma', [4]), constant('beta', [4]), constant('mean', [4]),
      '  const %var: float32[4] = [0.5, 1, 1.5, 2]',
      '  const %pads: int64[8] = [0, 0, 1, 2, 0, 0, 2, 1]',
      '  %a: float32[1,4,6,6] = Conv(%x, %w1) {dilations=[1, 1], group=1, kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]}  # c1',
      '  %b: float32[1,4,9,9] = Pad(%a, %pads) {mode="reflect"}  # pad',
      '  %c: float32[1,4,18,18] = Resize(%b) {mode="linear", coordinate_transformation_mode="half_pixel", nearest_mode="round_prefer_floor", antialias=0, cubic_coeff_a=-0.75, exclude_outside=0, extrapolation_value=0, scales=[1, 1, 2, 2], sizes=[1, 4, 18, 18]}  # up',
      '  %d: float32[1,4,18,18] = BatchNormalization(%c, %gamma, %beta, %mean, %var) {epsilon=0.001}  # bn',
      '  %y: float32[1,4,16,16] = Conv(%d, %w2) {dilations=[1, 1], group=1, kernel_shape=[3, 3], pads=[0, 0, 0, 0], strides=[1, 1]}  # c2',
    ].join('\n');
    const before = parseGraph(text);
    const r = layoutNhwc.run(before, forced);
    const ops = r.graph.nodes.map((n) => opLabel(n));
    expect(ops.filter((o) => o === 'Transpose')).toHaveLength(2); // the input's and the output's
    for (const op of ['Pad', 'Resize', 'Mul', 'Add']) expect(ops, op).toContain(op);
    expect(ops).not.toContain('BatchNormalization');
    expectSameResults(before, r.graph);
  });
});
