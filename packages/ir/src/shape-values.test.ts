import { describe, expect, it } from 'vitest';
import { parseGraph, symbolicValue } from './index.js';

const contents = (lines: string[], value: string) => symbolicValue(parseGraph(['graph g(%x: float32[batch,seq,6]) -> (%x)', ...lines].join('\n')), value);

describe('symbolic shape values', () => {
  it('follow Shape through Gather, Slice, arithmetic and Concat', () => {
    const lines = [
      '  const %i: int64[2] = [1, -1]',
      '  const %st: int64[1] = [0]',
      '  const %en: int64[1] = [2]',
      '  const %two: int64[] = [2]',
      '  const %one: int64[1] = [1]',
      '  %s: int64[3] = Shape(%x)  # shape',
      '  %g: int64[2] = Gather(%s, %i) {axis=0}  # gather',
      '  %h: int64[2] = Slice(%s, %st, %en)  # slice',
      '  %p: int64[1] = ReduceProd(%h) {keepdims=1}  # prod',
      '  %d: int64[2] = Div(%g, %two)  # div',
      '  %m: int64[2] = Mul(%g, %two)  # mul',
      '  %a: int64[2] = Sub(%m, %one)  # sub',
      '  %c: int64[5] = Concat(%p, %d, %a) {axis=0}  # concat',
    ];
    expect(contents(lines, 'g')).toEqual(['seq', 6]);
    expect(contents(lines, 'p')).toEqual(['batch*seq']);
    // seq / 2 is not exact: the whole Div is unknown rather than guessed.
    expect(contents(lines, 'd')).toBeUndefined();
    expect(contents(lines, 'a')).toEqual(['2*seq-1', 11]);
    expect(contents(lines, 'c')).toBeUndefined();
  });
  it('decide Equal against the -1 of a Reshape spec, and Where on it', () => {
    const lines = [
      '  const %neg: int64[2] = [-1, 6]',
      '  const %alt: int64[2] = [7, 7]',
      '  %s: int64[3] = Shape(%x) {start=1}  # shape',
      '  %e: bool[2] = Equal(%s, %neg)  # eq',
      '  %w: int64[2] = Where(%e, %alt, %s)  # where',
    ];
    expect(contents(lines, 'e')).toEqual([0, 1]);
    expect(contents(lines, 'w')).toEqual(['seq', 7]);
  });
  it('broadcast an empty shape vector (of a scalar) against one element', () => {
    const g = parseGraph(['graph g(%k: float32[]) -> (%k)', '  const %two: int64[1] = [2]', '  %s: int64[0] = Shape(%k)  # shape', '  %d: int64[0] = Div(%s, %two)  # div'].join('\n'));
    expect(symbolicValue(g, 'd')).toEqual([]);
  });
  it('stop at ops that are not shape arithmetic', () => {
    expect(contents(['  %s: int64[3] = Shape(%x)  # shape', '  %n: int64[3] = Neg(%s)  # neg'], 'n')).toBeUndefined();
  });
});
