import { describe, expect, it } from 'vitest';
import { Tensor, getOp, parseGraph, printGraph } from '@onnx2wasm/ir';
import { fuseAttention } from './fuse-attention.js';

function run(g: ReturnType<typeof parseGraph>, feeds: Tensor[]): Float32Array {
  const env = new Map<string, Tensor>(g.constants);
  g.inputs.forEach((n, i) => env.set(n, feeds[i]!));
  for (const n of g.nodes) {
    const outs = getOp(n.op)!.evaluate(n, n.inputs.map((i) => (i ? env.get(i) : undefined)));
    n.outputs.forEach((o, k) => env.set(o, outs[k]!));
  }
  return env.get(g.outputs[0]!)!.data as Float32Array;
}

const rand = (dims: number[], seed: number): Tensor => {
  let s = seed;
  const n = dims.reduce((a, b) => a * b, 1);
  return { dtype: 'float32', dims, data: Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1) };
};

describe('fuse-attention', () => {
  const text = [
    'graph g(%q: float32[2,5,4], %kx: float32[5,2,4], %v: float32[2,5,3], %m: float32[5,5]) -> (%o)',
    '  const %c: float32[] = [2]',
    '  %qs: float32[2,5,4] = Div(%q, %c)  # scale',
    '  %kt: float32[2,4,5] = Transpose(%kx) {perm=[1, 2, 0]}  # kt',
    '  %s: float32[2,5,5] = MatMul(%qs, %kt)  # qk',
    '  %sm: float32[2,5,5] = Add(%s, %m)  # mask',
    '  %p: float32[2,5,5] = Softmax(%sm) {axis=-1}  # softmax',
    '  %o: float32[2,5,3] = MatMul(%p, %v)  # pv',
  ].join('\n');
  it('becomes one Attention node with the same result', () => {
    const before = parseGraph(text);
    const after = fuseAttention.run(before, { maxFoldElements: 1 << 20 }).graph;
    expect(after.nodes.map((n) => n.op)).toEqual(['Transpose', 'Reshape', 'Reshape', 'Reshape', 'Attention', 'Reshape']);
    expect(after.nodes.find((n) => n.op === 'Attention')!.attrs.scale).toBe(0.5);
    const feeds = [rand([2, 5, 4], 1), rand([5, 2, 4], 2), rand([2, 5, 3], 3), rand([5, 5], 4)];
    const want = run(before, feeds), got = run(after, feeds);
    got.forEach((x, i) => expect(x).toBeCloseTo(want[i]!, 5));
  });
  it('leaves a softmax over another axis alone', () => {
    const g = parseGraph(text.replace('{axis=-1}', '{axis=1}'));
    expect(fuseAttention.run(g, { maxFoldElements: 1 << 20 }).changed).toBe(false);
  });
  it('on symbolic dims, builds its reshape targets as Dims nodes and splits the stacked heads', () => {
    const g = parseGraph([
      'graph g(%q: float32[4*batch,seq,64], %k: float32[4*batch,seq,64], %v: float32[4*batch,seq,64]) -> (%o)',
      '  const %c: float32[] = [8]',
      '  %qs: float32[4*batch,seq,64] = Div(%q, %c)  # scale',
      '  %kt: float32[4*batch,64,seq] = Transpose(%k) {perm=[0, 2, 1]}  # kt',
      '  %s: float32[4*batch,seq,seq] = MatMul(%qs, %kt)  # qk',
      '  %p: float32[4*batch,seq,seq] = Softmax(%s) {axis=-1}  # softmax',
      '  %o: float32[4*batch,seq,64] = MatMul(%p, %v)  # pv',
    ].join('\n'));
    const after = fuseAttention.run(g, { maxFoldElements: 1 << 20 }).graph;
    expect(printGraph(after)).toBe([
      'graph g(%q: float32[4*batch,seq,64], %k: float32[4*batch,seq,64], %v: float32[4*batch,seq,64]) -> (%o)',
      '  const %c: float32[] = [8]',
      '  %pv/K_0: float32[4*batch,seq,64] = Transpose(%k) {perm=[0, 1, 2]}  # pv/K',
      '  %pv/shape_2: int64[4] = Dims() {dims=["batch", 4, "seq", 64]}  # pv/dims_1',
      '  %pv/4d_1: float32[batch,4,seq,64] = Reshape(%q, %pv/shape_2) {allowzero=0}  # pv/reshape_2',
      '  %pv/shape_4: int64[4] = Dims() {dims=["batch", 4, "seq", 64]}  # pv/dims_3',
      '  %pv/4d_3: float32[batch,4,seq,64] = Reshape(%pv/K_0, %pv/shape_4) {allowzero=0}  # pv/reshape_4',
      '  %pv/shape_6: int64[4] = Dims() {dims=["batch", 4, "seq", 64]}  # pv/dims_5',
      '  %pv/4d_5: float32[batch,4,seq,64] = Reshape(%v, %pv/shape_6) {allowzero=0}  # pv/reshape_6',
      '  %pv/out4d_7: float32[batch,4,seq,64] = Attention(%pv/4d_1, %pv/4d_3, %pv/4d_5) {causal_from_nonpad=0, causal_offset=0, is_causal=0, qk_matmul_output_mode=0, scale=0.125, softcap=0}  # pv',
      '  %pv/shape_8: int64[3] = Dims() {dims=["4*batch", "seq", 64]}  # pv/dims_8',
      '  %o: float32[4*batch,seq,64] = Reshape(%pv/out4d_7, %pv/shape_8) {allowzero=0}  # pv/reshape_out',
    ].join('\n'));
  });
});
