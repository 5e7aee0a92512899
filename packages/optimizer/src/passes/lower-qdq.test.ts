import { describe, expect, it } from 'vitest';
import { Tensor, getOp, opLabel, parseGraph } from '@onnx2wasm/ir';
import { lowerQdq } from './lower-qdq.js';

const ctx = { maxFoldElements: 1 << 20 };

function evaluate(graph: ReturnType<typeof parseGraph>, feeds: Tensor[]): Tensor[] {
  const env = new Map<string, Tensor>(graph.constants);
  graph.inputs.forEach((n, i) => env.set(n, feeds[i]!));
  for (const n of graph.nodes) {
    const outs = getOp(n.op)!.evaluate(n, n.inputs.map((i) => (i ? env.get(i) : undefined)));
    n.outputs.forEach((o, k) => env.set(o, outs[k]!));
  }
  return graph.outputs.map((o) => env.get(o)!);
}

// A per-channel QDQ Gemm whose literal float result lands near .5 ties: the integer form must give
// round_half_even(acc * float32(float32(sx * sw) / sy)) + zy.
const GEMM = [
  'graph g(%xq: int8[1,4]) -> (%y)',
  '  const %sx: float32[] = [0.5]',
  '  const %zx: int8[] = [3]',
  '  const %w: int8[2,4] = [127, -128, 5, 7, -1, 2, 100, -100]',
  '  const %sw: float32[2] = [0.25, 0.125]',
  '  const %zw: int8[2] = [0, 0]',
  '  const %b: int32[2] = [10, -20]',
  '  const %sb: float32[2] = [0.125, 0.0625]',
  '  const %sy: float32[] = [3]',
  '  const %zy: int8[] = [-2]',
  '  %xf: float32[1,4] = DequantizeLinear(%xq, %sx, %zx) {axis=1, block_size=0}  # dx',
  '  %wf: float32[2,4] = DequantizeLinear(%w, %sw, %zw) {axis=0, block_size=0}  # dw',
  '  %bf: float32[2] = DequantizeLinear(%b, %sb) {axis=0, block_size=0}  # db',
  '  %h: float32[1,2] = Gemm(%xf, %wf, %bf) {alpha=1, beta=1, transA=0, transB=1}  # fc',
  '  %y: int8[1,2] = QuantizeLinear(%h, %sy, %zy) {axis=1, block_size=0, saturate=1, to="int8"}  # q',
].join('\n');

describe('lower-qdq', () => {
  const x = [-128, 127, 3, 50];
  const want = (() => {
    const f = Math.fround, w = [[127, -128, 5, 7], [-1, 2, 100, -100]], sw = [0.25, 0.125], bias = [10, -20];
    return [0, 1].map((m) => {
      const acc = bias[m]! + x.reduce((s, v, k) => s + (v - 3) * w[m]![k]!, 0);
      const v = f(acc * f(f(0.5 * sw[m]!) / 3));
      const r = Math.round(v), even = Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
      return Math.max(-128, Math.min(127, even - 2));
    });
  })();
  const run = (g: ReturnType<typeof parseGraph>) => Array.from(evaluate(g, [{ dtype: 'int8', dims: [1, 4], data: Int8Array.from(x) }])[0]!.data as Int8Array);

  it('turns DequantizeLinear → Gemm → QuantizeLinear with a static input into QLinearMatMul (the integer kernel)', () => {
    const after = lowerQdq.run(parseGraph(GEMM), ctx).graph;
    // The dequantizes are left without readers (dead-code elimination removes them).
    expect(after.nodes.map((n) => n.op).filter((o) => o !== 'DequantizeLinear')).toEqual(['QLinearMatMul']);
    const mm = after.nodes.find((n) => n.op === 'QLinearMatMul')!;
    // The Gemm's [N, K] weights are stored as [K, N] for the kernel.
    expect(after.constants.get(mm.inputs[3]!)!.dims).toEqual([4, 2]);
    expect(run(after)).toEqual(want);
  });

  it('turns DequantizeLinear → Gemm → QuantizeLinear into the integer sum and requantization (run-time batch: float kernels)', () => {
    const before = parseGraph(GEMM.replace('graph g(%xq: int8[1,4])', 'graph g(%xq: int8[n,4])').replace('%xf: float32[1,4]', '%xf: float32[n,4]')
      .replace('%h: float32[1,2]', '%h: float32[n,2]').replace('%y: int8[1,2]', '%y: int8[n,2]'));
    const after = lowerQdq.run(before, ctx).graph;
    const ops = after.nodes.map((n) => opLabel(n));
    expect(ops).toContain('Mul');
    expect(ops.filter((o) => o === 'Gemm')).toHaveLength(1);
    // The integer Gemm reads the centred values (scale 1), not the dequantized ones.
    const gemm = after.nodes.find((n) => n.op === 'Gemm')!;
    expect(after.nodes.find((n) => n.outputs[0] === gemm.inputs[0])!.op).toBe('DequantizeLinear');
    expect(run(after)).toEqual(want);
  });

  it('leaves the literal form when a scale is not a constant', () => {
    const text = GEMM.replace('graph g(%xq: int8[1,4])', 'graph g(%xq: int8[1,4], %sy: float32[])').replace('  const %sy: float32[] = [3]\n', '');
    const after = lowerQdq.run(parseGraph(text), ctx);
    expect(after.changed).toBe(false);
  });

  // Equal quantization on both sides: the MaxPool and the Concat run on the int8 values; a Concat
  // input with another scale, or uint8 with no zero point, is requantized to the output's first.
  const POOL = [
    'graph g(%a: int8[1,2,4,4], %b: int8[1,2,2,2], %c: uint8[1,2,2,2]) -> (%y, %z, %w)',
    '  const %s: float32[] = [0.5]',
    '  const %s2: float32[] = [0.25]',
    '  const %zp: int8[] = [1]',
    '  %af: float32[1,2,4,4] = DequantizeLinear(%a, %s, %zp) {axis=1, block_size=0}  # da',
    '  %pf: float32[1,2,2,2] = MaxPool(%af) {ceil_mode=0, dilations=[1,1], kernel_shape=[2,2], pads=[0,0,0,0], strides=[2,2]}  # pool',
    '  %p: int8[1,2,2,2] = QuantizeLinear(%pf, %s, %zp) {axis=1, block_size=0, saturate=1, to="int8"}  # qp',
    '  %pd: float32[1,2,2,2] = DequantizeLinear(%p, %s, %zp) {axis=1, block_size=0}  # dp',
    '  %bf: float32[1,2,2,2] = DequantizeLinear(%b, %s, %zp) {axis=1, block_size=0}  # db',
    '  %cf: float32[1,4,2,2] = Concat(%pd, %bf) {axis=1}  # cat',
    '  %y: int8[1,4,2,2] = QuantizeLinear(%cf, %s, %zp) {axis=1, block_size=0, saturate=1, to="int8"}  # qy',
    '  %bg: float32[1,2,2,2] = DequantizeLinear(%b, %s2, %zp) {axis=1, block_size=0}  # db2',
    '  %df: float32[1,4,2,2] = Concat(%pd, %bg) {axis=1}  # cat2',
    '  %z: int8[1,4,2,2] = QuantizeLinear(%df, %s, %zp) {axis=1, block_size=0, saturate=1, to="int8"}  # qz',
    '  %cf2: float32[1,2,2,2] = DequantizeLinear(%c, %s2) {axis=1, block_size=0}  # dc',
    '  %ef: float32[1,4,2,2] = Concat(%bg, %cf2) {axis=1}  # cat3',
    '  %w: int8[1,4,2,2] = QuantizeLinear(%ef, %s, %zp) {axis=1, block_size=0, saturate=1, to="int8"}  # qw',
  ].join('\n');

  it('runs MaxPool and Concat on the 8-bit values, requantizing inputs of other scales', () => {
    const before = parseGraph(POOL);
    const after = lowerQdq.run(before, ctx).graph;
    const pool = after.nodes.find((n) => n.op === 'MaxPool')!;
    expect(pool.inputs[0]).toBe('a');
    const cats = after.nodes.filter((n) => n.op === 'Concat');
    expect(cats.map((c) => after.types.get(c.outputs[0]!)!.dtype)).toEqual(['int8', 'int8', 'int8']);
    expect(after.nodes.filter((n) => n.op === 'Requantize').map((n) => n.inputs[0])).toEqual(['b', 'b', 'c']);
    expect(after.nodes.some((n) => n.op === 'QuantizeLinear')).toBe(false);
    const r = (n: number, seed: number) => Int8Array.from({ length: n }, (_, i) => ((i * 73 + seed * 31) % 256) - 128);
    const feeds: Tensor[] = [
      { dtype: 'int8', dims: [1, 2, 4, 4], data: r(32, 1) }, { dtype: 'int8', dims: [1, 2, 2, 2], data: r(8, 2) },
      { dtype: 'uint8', dims: [1, 2, 2, 2], data: Uint8Array.from(r(8, 3), (v) => v + 128) },
    ];
    const want = evaluate(parseGraph(POOL), feeds).map((t) => Array.from(t.data as Int8Array));
    expect(evaluate(after, feeds).map((t) => Array.from(t.data as Int8Array))).toEqual(want);
  });

  // onnxruntime's quantize_dynamic form: the Cast, the Mul by the (run-time) scale and the bias Add
  // become the integer matmul's float32 epilogue, with the same result bit for bit.
  const DYNAMIC = [
    'graph g(%aq: uint8[3,4], %sa: float32[], %za: uint8[]) -> (%y)',
    '  const %w: int8[4,2] = [127, -128, 5, 7, -1, 2, 100, -100]',
    '  const %sw: float32[] = [0.0125]',
    '  const %bias: float32[2] = [0.5, -0.25]',
    '  %s: float32[] = Mul(%sa, %sw)  # scales',
    '  %acc: int32[3,2] = MatMulInteger(%aq, %w, %za)  # mm',
    '  %accf: float32[3,2] = Cast(%acc) {to="float32"}  # cast',
    '  %h: float32[3,2] = Mul(%accf, %s)  # scale',
    '  %y: float32[3,2] = Add(%h, %bias)  # bias',
  ].join('\n');

  it('folds Cast → Mul(scale) → Add(bias) after MatMulInteger into ScaledMatMulInteger', () => {
    const after = lowerQdq.run(parseGraph(DYNAMIC), ctx).graph;
    expect(after.nodes.map((n) => opLabel(n))).toEqual(['Mul', 'ScaledMatMulInteger']);
    expect(after.nodes[1]!.inputs).toEqual(['aq', 'w', 's', 'za', '', 'bias']);
    const feeds: Tensor[] = [
      { dtype: 'uint8', dims: [3, 4], data: Uint8Array.of(0, 255, 17, 130, 9, 99, 200, 1, 128, 128, 128, 128) },
      { dtype: 'float32', dims: [], data: Float32Array.of(0.037) },
      { dtype: 'uint8', dims: [], data: Uint8Array.of(128) },
    ];
    expect(Array.from(evaluate(after, feeds)[0]!.data)).toEqual(Array.from(evaluate(parseGraph(DYNAMIC), feeds)[0]!.data));
  });

  it('keeps the Cast when the int32 sums are read elsewhere too', () => {
    const text = DYNAMIC.replace('-> (%y)', '-> (%y, %acc)');
    const after = lowerQdq.run(parseGraph(text), ctx).graph;
    expect(after.nodes.map((n) => n.op)).toContain('MatMulInteger');
  });
});
