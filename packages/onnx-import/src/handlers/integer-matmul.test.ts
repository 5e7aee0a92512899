// MatMulInteger / QLinearMatMul expansions are exact: a reduction longer than one exact float32
// chunk (258 terms) still matches integer arithmetic, checked by running the imported graph's
// reference evaluators on extreme 8-bit values.
import { describe, expect, it } from 'vitest';
import { Tensor, makeTensor, toNumbers } from '@onnx2wasm/ir';
import { evaluateNode as evaluate } from './evaluate-node.js';

const evaluateNode = (op: string, inputs: Record<string, Tensor>) => evaluate(op, 13, inputs, ['y'])[0]!;

describe('integer matmul expansions', () => {
  const k = 600;
  const a = makeTensor('uint8', [2, k], Array.from({ length: 2 * k }, (_, i) => (i % 3 === 0 ? 0 : 255)));
  const b = makeTensor('int8', [k, 3], Array.from({ length: 3 * k }, (_, i) => (i % 5 === 0 ? 127 : -128)));
  const exact = (azp: number, bzp: number): number[] => {
    const out: number[] = [];
    for (let m = 0; m < 2; m++) for (let n = 0; n < 3; n++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += (a.data[m * k + j] as number - azp) * (b.data[j * 3 + n] as number - bzp);
      out.push(s);
    }
    return out;
  };

  it('MatMulInteger sums a long reduction exactly in int32', () => {
    const y = evaluateNode('MatMulInteger', { a, b, azp: makeTensor('uint8', [], [3]), bzp: makeTensor('int8', [], [-7]) });
    expect(y.dtype).toBe('int32');
    expect(toNumbers(y)).toEqual(exact(3, -7));
  });

  it('QLinearMatMul rescales, rounds and saturates', () => {
    const s = (v: number) => makeTensor('float32', [], [v]);
    const y = evaluateNode('QLinearMatMul', { a, sa: s(0.5), azp: makeTensor('uint8', [], [3]), b, sb: s(0.25), bzp: makeTensor('int8', [], [-7]), sy: s(4096), yzp: makeTensor('int8', [], [1]) });
    const want = exact(3, -7).map((c) => Math.min(127, Math.max(-128, Math.round(c * (0.5 * 0.25 / 4096)) + 1)));
    expect(y.dtype).toBe('int8');
    expect(toNumbers(y)).toEqual(want);
  });
});
