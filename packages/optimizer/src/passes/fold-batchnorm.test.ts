import { describe, expect, it } from 'vitest';
import { getOp, parseGraph, printGraph, Tensor } from '@onnx2wasm/ir';
import { foldBatchNorm } from './fold-batchnorm.js';

const ctx = { maxFoldElements: 1 << 20 };

/** Evaluates a graph with the reference ops (inputs in order). */
function evaluate(text: string, graph = parseGraph(text), feeds: Tensor[]): Tensor[] {
  const env = new Map<string, Tensor>(graph.constants);
  graph.inputs.forEach((n, i) => env.set(n, feeds[i]!));
  for (const n of graph.nodes) {
    const outs = getOp(n.op)!.evaluate(n, n.inputs.map((i) => (i ? env.get(i) : undefined)));
    n.outputs.forEach((o, k) => env.set(o, outs[k]!));
  }
  return graph.outputs.map((o) => env.get(o)!);
}

describe('fold-batchnorm', () => {
  it('folds into Gemm weights and bias with the same result', () => {
    const text = [
      'graph g(%x: float32[2,3]) -> (%y)',
      '  const %w: float32[2,3] = [1, 2, 3, 4, 5, 6]',
      '  const %c: float32[2] = [0.5, -1]',
      '  const %gamma: float32[2] = [2, 0.5]',
      '  const %beta: float32[2] = [1, -1]',
      '  const %mean: float32[2] = [0.25, 3]',
      '  const %var: float32[2] = [4, 0.25]',
      '  %h: float32[2,2] = Gemm(%x, %w, %c) {alpha=1, beta=1, transA=0, transB=1}  # fc',
      '  %y: float32[2,2] = BatchNormalization(%h, %gamma, %beta, %mean, %var) {epsilon=0}  # bn',
    ].join('\n');
    const before = parseGraph(text);
    const after = foldBatchNorm.run(before, ctx).graph;
    expect(after.nodes.map((n) => n.op)).toEqual(['Gemm']);
    const x = { dtype: 'float32' as const, dims: [2, 3], data: new Float32Array([1, -2, 0.5, 3, 1, -1]) };
    const want = evaluate('', before, [x])[0]!.data, got = evaluate('', after, [x])[0]!.data;
    got.forEach((v, i) => expect(v).toBeCloseTo(Number(want[i]), 5));
    expect(printGraph(after)).toContain('Gemm(%x, %fc/w_bn_0, %fc/b_bn_1) {alpha=1, beta=1, transA=0, transB=1}  # fc');
  });
});
