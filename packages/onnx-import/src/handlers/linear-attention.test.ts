// LinearAttention's unrolled expansion against a direct loop over the recurrence, for the
// gated_delta rule with grouped query heads, a past state and per-head beta.
import { describe, expect, it } from 'vitest';
import { makeTensor, toNumbers } from '@onnx2wasm/ir';
import { evaluateNode } from './evaluate-node.js';

const [B, T, HQ, HKV, DK, DV] = [1, 3, 4, 2, 3, 2];
let seed = 7;
const rand = (n: number) => Array.from({ length: n }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5);


describe('LinearAttention expansion', () => {
  it('gated_delta with GQA matches the recurrence', () => {
    const q = rand(T * HQ * DK), k = rand(T * HKV * DK), v = rand(T * HKV * DV), g = rand(T * HKV * DK), bt = rand(T * HKV), past = rand(HKV * DK * DV);
    const f = (d: number[], x: number[]) => makeTensor('float32', d, x);
    const [y, state] = evaluateNode('LinearAttention', 27, {
      q: f([B, T, HQ * DK], q), k: f([B, T, HKV * DK], k), v: f([B, T, HKV * DV], v),
      past: f([B, HKV, DK, DV], past), decay: f([B, T, HKV * DK], g), beta: f([B, T, HKV], bt),
    }, ['y', 'state'], [{ name: 'q_num_heads', type: 2, i: HQ }, { name: 'kv_num_heads', type: 2, i: HKV }]);

    const s = [...past], out: number[] = new Array(T * HQ * DV).fill(0);
    const S = (h: number, i: number, j: number) => (h * DK + i) * DV + j;
    for (let t = 0; t < T; t++) {
      for (let h = 0; h < HKV; h++) {
        const kk = (i: number) => k[(t * HKV + h) * DK + i]!;
        for (let i = 0; i < DK; i++) for (let j = 0; j < DV; j++) s[S(h, i, j)]! *= Math.exp(g[(t * HKV + h) * DK + i]!);
        const vt = Array.from({ length: DV }, (_, j) => {
          let r = 0;
          for (let i = 0; i < DK; i++) r += s[S(h, i, j)]! * kk(i);
          return bt[t * HKV + h]! * (v[(t * HKV + h) * DV + j]! - r);
        });
        for (let i = 0; i < DK; i++) for (let j = 0; j < DV; j++) s[S(h, i, j)]! += kk(i) * vt[j]!;
      }
      for (let h = 0; h < HQ; h++) for (let j = 0; j < DV; j++) {
        let o = 0;
        for (let i = 0; i < DK; i++) o += q[(t * HQ + h) * DK + i]! * s[S(Math.floor(h / (HQ / HKV)), i, j)]!;
        out[(t * HQ + h) * DV + j] = o / Math.sqrt(DK);
      }
    }
    toNumbers(y!).forEach((x, i) => expect(x).toBeCloseTo(out[i]!, 5));
    toNumbers(state!).forEach((x, i) => expect(x).toBeCloseTo(s[i]!, 5));
  });
});
