import { describe, expect, it } from 'vitest';
import { Tensor, getOp, parseGraph, printGraph } from '@onnx2wasm/ir';
import { fuseElementwise } from './fuse-elementwise.js';

const ctx = { maxFoldElements: 1 << 20 };

function evaluate(text: string, feeds: Tensor[]): Tensor[] {
  const g = parseGraph(text);
  const env = new Map<string, Tensor>(g.constants);
  g.inputs.forEach((n, i) => env.set(n, feeds[i]!));
  for (const n of fuseElementwise.run(g, ctx).graph.nodes) {
    const outs = getOp(n.op)!.evaluate(n, n.inputs.map((i) => (i ? env.get(i) : undefined)));
    n.outputs.forEach((o, k) => env.set(o, outs[k]!));
  }
  return g.outputs.map((o) => env.get(o)!);
}

describe('fuse-elementwise', () => {
  const text = [
    'graph g(%x: float32[2,3], %b: float32[3]) -> (%y)',
    '  const %two: float32[] = [2]',
    '  %s: float32[2,3] = Sigmoid(%x)  # sig',
    '  %m: float32[2,3] = Mul(%x, %s)  # mul',
    '  %a: float32[2,3] = Add(%m, %b)  # add',
    '  %y: float32[2,3] = Pow(%a, %two)  # sq',
  ].join('\n');
  it('merges a chain into one node with a program', () => {
    expect(printGraph(fuseElementwise.run(parseGraph(text), ctx).graph)).toBe([
      'graph g(%x: float32[2,3], %b: float32[3]) -> (%y)',
      '  const %two: float32[] = [2]',
      '  %y: float32[2,3] = FusedElementwise(%x, %b) {program="[{\\"op\\":\\"Sigmoid\\",\\"args\\":[\\"i0\\"],\\"attrs\\":{}},{\\"op\\":\\"Mul\\",\\"args\\":[\\"i0\\",\\"t0\\"],\\"attrs\\":{}},{\\"op\\":\\"Add\\",\\"args\\":[\\"t1\\",\\"i1\\"],\\"attrs\\":{}},{\\"op\\":\\"Pow\\",\\"args\\":[\\"t2\\"],\\"attrs\\":{\\"exponent\\":2}}]"}  # sq',
    ].join('\n'));
  });
  it('computes the same values as the unfused chain', () => {
    const x = { dtype: 'float32' as const, dims: [2, 3], data: new Float32Array([-2, -1, 0, 0.5, 1, 3]) };
    const b = { dtype: 'float32' as const, dims: [3], data: new Float32Array([0.1, -0.2, 0.3]) };
    const got = evaluate(text, [x, b])[0]!.data;
    const want = Array.from(x.data, (v, i) => (v / (1 + Math.exp(-v)) + b.data[i % 3]!) ** 2);
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
  });
  it('leaves a value with two readers unfused', () => {
    const t = [
      'graph g(%x: float32[4]) -> (%y, %e)',
      '  %e: float32[4] = Exp(%x)  # exp',
      '  %y: float32[4] = Neg(%e)  # neg',
    ].join('\n');
    expect(printGraph(fuseElementwise.run(parseGraph(t), ctx).graph)).toBe(t);
  });
});
