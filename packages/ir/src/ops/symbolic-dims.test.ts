// Shape inference on symbolic dims computes with dim expressions instead of inventing unknowns.
import { describe, expect, it } from 'vitest';
import { parseGraph } from '../index.js';

const shapeOf = (inputs: string, lines: string[], value = 'y') =>
  parseGraph([`graph g(${inputs}) -> (%${value})`, ...lines].join('\n')).types.get(value)!.shape;

describe('symbolic shape inference', () => {
  it('Reshape with 0 and -1 multiplies and divides exactly', () => {
    const x = '%x: float32[seq,batch,256]';
    expect(shapeOf(x, ['  const %s: int64[3] = [0, -1, 64]', '  %y = Reshape(%x, %s) {allowzero=0}  # r'])).toEqual(['seq', '4*batch', 64]);
    expect(shapeOf(x, ['  const %s: int64[2] = [-1, 256]', '  %y = Reshape(%x, %s) {allowzero=0}  # r'])).toEqual(['batch*seq', 256]);
    // 256*batch*seq / 3 is not exact: a fresh unknown, as before.
    expect(shapeOf(x, ['  const %s: int64[2] = [3, -1]', '  %y = Reshape(%x, %s) {allowzero=0}  # r'])[1]).toMatch(/_d1$/);
  });
  it('Flatten, Concat, Split, Tile and Expand', () => {
    expect(shapeOf('%x: float32[N,512,1,1]', ['  %y = Flatten(%x) {axis=1}  # f'])).toEqual(['N', 512]);
    expect(shapeOf('%a: float32[2,seq], %b: float32[2,seq]', ['  %y = Concat(%a, %b, %a) {axis=1}  # c'])).toEqual([2, '3*seq']);
    expect(shapeOf('%x: float32[4*n,3]', ['  %y, %z = Split(%x) {axis=0}  # s'], 'z')).toEqual(['2*n', 3]);
    expect(shapeOf('%x: float32[n,3]', ['  const %r: int64[2] = [2, 1]', '  %y = Tile(%x, %r)  # t'])).toEqual(['2*n', 3]);
    expect(shapeOf('%x: float32[1,3]', ['  %s: int64[2] = Dims() {dims=["n", 3]}  # d', '  %y = Expand(%x, %s)  # e'])).toEqual(['n', 3]);
  });
  it('Slice on a symbolic axis when no clamping against an unknown bound is needed', () => {
    const x = '%x: float32[seq,8]';
    const slice = (s: number, e: number) => shapeOf(x, [`  const %s: int64[1] = [${s}]`, `  const %e: int64[1] = [${e}]`, '  const %a: int64[1] = [0]', '  %y = Slice(%x, %s, %e, %a)  # sl']);
    expect(slice(1, 2 ** 62)).toEqual(['seq-1', 8]);
    expect(slice(0, -1)).toEqual(['seq-1', 8]);
    expect(slice(-3, 2 ** 62)).toEqual([3, 8]);
    expect(slice(0, 5)[0]).toMatch(/_d0$/); // 5 may be past the end: min(5, seq) is not a polynomial
  });
});
