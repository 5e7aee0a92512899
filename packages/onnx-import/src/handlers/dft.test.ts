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

describe('STFT expansion', () => {
  it('windows each frame and keeps the onesided bins', () => {
    const signal = makeTensor('float32', [1, 8, 1], [1, 2, 3, 4, 5, 6, 7, 8]);
    const step = makeTensor('int64', [], [3]);
    const window = makeTensor('float32', [4], [0, 1, 1, 0]);
    const [y] = evaluateNode('STFT', 17, { signal, step, window }, ['y']);
    expect(y!.dims).toEqual([1, 2, 3, 2]);
    // Frame 1 is [4, 5, 6, 7], windowed to [0, 5, 6, 0].
    const frame = [0, 5, 6, 0], got = toNumbers(y!).slice(6);
    for (let k = 0; k < 3; k++) {
      const re = frame.reduce((a, v, t) => a + v * Math.cos((2 * Math.PI * k * t) / 4), 0);
      const im = frame.reduce((a, v, t) => a - v * Math.sin((2 * Math.PI * k * t) / 4), 0);
      expect(got[2 * k]).toBeCloseTo(re, 4);
      expect(got[2 * k + 1]).toBeCloseTo(im, 4);
    }
  });
});
