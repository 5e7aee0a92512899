import { describe, expect, it } from 'vitest';
import { Tensor, getOp, opLabel, parseGraph, printGraph } from '@onnx2wasm/ir';
import { recognizePatterns } from './recognize-patterns.js';

const ctx = { maxFoldElements: 1 << 20 };
const rewrite = (text: string) => recognizePatterns.run(parseGraph(text), ctx).graph;

function run(g: ReturnType<typeof parseGraph>, x: Tensor): Float32Array {
  const env = new Map<string, Tensor>(g.constants);
  env.set(g.inputs[0]!, x);
  for (const n of g.nodes) {
    const outs = getOp(n.op)!.evaluate(n, n.inputs.map((i) => (i ? env.get(i) : undefined)));
    n.outputs.forEach((o, k) => env.set(o, outs[k]!));
  }
  return env.get(g.outputs[0]!)!.data as Float32Array;
}

const x = { dtype: 'float32' as const, dims: [2, 4], data: new Float32Array([1, -2, 3, 0.5, -1, 0, 2, 4]) };

describe('recognize-patterns', () => {
  const ln = [
    'graph g(%x: float32[2,4]) -> (%z)',
    '  const %two: float32[] = [2]',
    '  const %eps: float32[] = [0.00001]',
    '  const %gamma: float32[4] = [1, 2, 0.5, 1]',
    '  const %beta: float32[4] = [0, 1, 0, -1]',
    '  %m: float32[2,1] = ReduceMean(%x) {axes=[-1], keepdims=1, noop_with_empty_axes=0}  # mean',
    '  %d: float32[2,4] = Sub(%x, %m)  # sub',
    '  %p: float32[2,4] = Pow(%d, %two)  # pow',
    '  %v: float32[2,1] = ReduceMean(%p) {axes=[-1], keepdims=1, noop_with_empty_axes=0}  # var',
    '  %e: float32[2,1] = Add(%v, %eps)  # add',
    '  %s: float32[2,1] = Sqrt(%e)  # sqrt',
    '  %n: float32[2,4] = Div(%d, %s)  # div',
    '  %y: float32[2,4] = Mul(%n, %gamma)  # scale',
    '  %z: float32[2,4] = Add(%y, %beta)  # shift',
  ].join('\n');
  it('turns the spelled-out layer norm into LayerNormalization with the same values', () => {
    const g = rewrite(ln);
    expect(g.nodes.map((n) => opLabel(n))).toEqual(['LayerNormalization']);
    expect(printGraph(g)).toMatch(/%z: float32\[2,4\] = LayerNormalization\(%x, %div\/gamma_\d+, %div\/beta_\d+\) \{axis=1, epsilon=0.00000999\d*\}  # div/);
    const want = run(parseGraph(ln), x), got = run(g, x);
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 4));
  });
  it('recognizes GELU written as x * 0.5 * (1 + erf(x / sqrt 2))', () => {
    const text = [
      'graph g(%x: float32[2,4]) -> (%y)',
      '  const %r2: float32[] = [1.4142135381698608]',
      '  const %one: float32[] = [1]',
      '  const %half: float32[] = [0.5]',
      '  %a: float32[2,4] = Div(%x, %r2)  # div',
      '  %b: float32[2,4] = Erf(%a)  # erf',
      '  %c: float32[2,4] = Add(%b, %one)  # add',
      '  %d: float32[2,4] = Mul(%x, %c)  # mul',
      '  %y: float32[2,4] = Mul(%d, %half)  # half',
    ].join('\n');
    const g = rewrite(text);
    expect(g.nodes.map((n) => `${opLabel(n)}(${n.inputs})`)).toEqual(['Gelu(x)']);
    const want = run(parseGraph(text), x), got = run(g, x);
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
  });
  it('leaves a near miss alone (mean over a different axis)', () => {
    const miss = ln.replace("%m: float32[2,1] = ReduceMean(%x) {axes=[-1], keepdims=1, noop_with_empty_axes=0}", "%m: float32[1,4] = ReduceMean(%x) {axes=[0], keepdims=1, noop_with_empty_axes=0}");
    expect(rewrite(miss).nodes.some((n) => n.op === 'LayerNormalization')).toBe(false);
  });
});
