// FlexAttention's expansion with grouped query heads against direct softmax attention.
import { describe, expect, it } from 'vitest';
import { makeTensor, toNumbers } from '@onnx2wasm/ir';
import { evaluateNode } from './evaluate-node.js';

describe('FlexAttention expansion', () => {
  it('query head h reads kv head h / group', () => {
    const [B, HQ, HKV, L, S, E] = [1, 4, 2, 3, 2, 2];
    let seed = 3;
    const rand = (n: number) => Array.from({ length: n }, () => ((seed = (seed * 48271) % 2147483647) / 2147483647) - 0.5);
    const q = rand(B * HQ * L * E), k = rand(B * HKV * S * E), v = rand(B * HKV * S * E);
    const [y] = evaluateNode('FlexAttention', 1, {
      q: makeTensor('float32', [B, HQ, L, E], q), k: makeTensor('float32', [B, HKV, S, E], k), v: makeTensor('float32', [B, HKV, S, E], v),
    }, ['y'], [], 'ai.onnx.preview');
    const got = toNumbers(y!);
    for (let h = 0; h < HQ; h++) for (let i = 0; i < L; i++) {
      const kv = Math.floor(h / (HQ / HKV));
      const scores = Array.from({ length: S }, (_, j) => {
        let d = 0;
        for (let c = 0; c < E; c++) d += q[(h * L + i) * E + c]! * k[(kv * S + j) * E + c]!;
        return d / Math.sqrt(E);
      });
      const w = scores.map((x) => Math.exp(x - Math.max(...scores)));
      const total = w.reduce((a, x) => a + x, 0);
      for (let c = 0; c < E; c++) {
        const want = w.reduce((a, x, j) => a + (x / total) * v[(kv * S + j) * E + c]!, 0);
        expect(got[(h * L + i) * E + c]).toBeCloseTo(want, 5);
      }
    }
  });
});
