// DFT's table expansion against a direct O(N^2) transform, and IRFFT undoing RFFT.
import { describe, expect, it } from 'vitest';
import { makeTensor, toNumbers } from '@onnx2wasm/ir';
import { evaluateNode } from './evaluate-node.js';

const attr = (name: string, i: number) => ({ name, type: 2, i });

describe('DFT expansion', () => {
  const signal = [1, -2, 0.5, 3, 4, -1, 0.25];
  const x = makeTensor('float32', [1, signal.length, 1], signal);

  it('forward complex output matches the definition', () => {
    const [y] = evaluateNode('DFT', 17, { x }, ['y']);
    const n = signal.length, got = toNumbers(y!);
    expect(y!.dims).toEqual([1, n, 2]);
    for (let k = 0; k < n; k++) {
      let re = 0, im = 0;
      signal.forEach((v, t) => { re += v * Math.cos((2 * Math.PI * k * t) / n); im -= v * Math.sin((2 * Math.PI * k * t) / n); });
      expect(got[2 * k]).toBeCloseTo(re, 4);
      expect(got[2 * k + 1]).toBeCloseTo(im, 4);
    }
  });

  it('onesided inverse undoes onesided forward', () => {
    const even = makeTensor('float32', [1, 6, 1], signal.slice(0, 6));
    const [spectrum] = evaluateNode('DFT', 17, { x: even }, ['y'], [attr('onesided', 1)]);
    expect(spectrum!.dims).toEqual([1, 4, 2]);
    const [back] = evaluateNode('DFT', 17, { x: spectrum! }, ['y'], [attr('onesided', 1), attr('inverse', 1)]);
    expect(back!.dims).toEqual([1, 6, 1]);
    toNumbers(back!).forEach((v, i) => expect(v).toBeCloseTo(signal[i]!, 5));
  });
});
