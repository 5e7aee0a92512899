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
      '  %s: int64[3] = Shape(%x) {start=0}  # shape',
      '  %g: int64[2] = Gather(%s, %i) {axis=0}  # gather',
      '  %h: int64[2] = Slice(%s, %st, %en)  # slice',
      '  %p: int64[1] = ReduceProd(%h) {axes=[], keepdims=1, noop_with_empty_axes=0}  # prod',
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
    const g = parseGraph(['graph g(%k: float32[]) -> (%k)', '  const %two: int64[1] = [2]', '  %s: int64[0] = Shape(%k) {start=0}  # shape', '  %d: int64[0] = Div(%s, %two)  # div'].join('\n'));
    expect(symbolicValue(g, 'd')).toEqual([]);
  });
  it('stop at ops that are not shape arithmetic', () => {
    expect(contents(['  %s: int64[3] = Shape(%x) {start=0}  # shape', '  %n: int64[3] = BitwiseNot(%s)  # not'], 'n')).toBeUndefined();
  });
  it('order dims from their signs: comparisons, Min, Max, Abs and Mod decided for every value of the symbols, or unknown', () => {
    const lines = [
      '  const %zero: int64[] = [0]',
      '  const %one: int64[] = [1]',
      '  const %four: int64[] = [4]',
      '  const %i1: int64[] = [1]',
      '  const %i0: int64[] = [0]',
      '  %s: int64[3] = Shape(%x) {start=0}  # shape',
      '  %seq: int64[] = Gather(%s, %i1) {axis=0}  # seq',
      '  %b: int64[] = Gather(%s, %i0) {axis=0}  # batch',
      '  %p1: int64[] = Add(%seq, %one)  # plus one',
      '  %lt: bool[] = Less(%seq, %p1)  # lt',
      '  %ge: bool[] = GreaterOrEqual(%seq, %zero)  # ge',
      '  %gt: bool[] = Greater(%seq, %zero)  # gt: seq may be 0',
      '  %eq: bool[] = Equal(%seq, %b)  # eq: depends on the values',
      '  %mn: int64[] = Min(%p1, %seq)  # min',
      '  %mx: int64[] = Max(%zero, %seq)  # max',
      '  %mu: int64[] = Max(%seq, %b)  # max: unknown',
      '  %ng: int64[] = Neg(%seq)  # neg',
      '  %ab: int64[] = Abs(%ng)  # abs',
      '  %m4: int64[] = Mul(%seq, %four)  # times four',
      '  %md: int64[] = Mod(%m4, %four) {fmod=0}  # mod',
      '  %mo: int64[] = Mod(%seq, %four) {fmod=0}  # mod: unknown',
      '  %nt: bool[] = Not(%lt)  # not',
      '  %an: bool[] = And(%nt, %lt)  # and',
      '  %or: bool[] = Or(%lt, %nt)  # or',
      '  %w: int64[] = Where(%an, %b, %mn)  # where',
    ];
    const cases: [string, unknown][] = [
      ['lt', [1]], ['ge', [1]], ['gt', undefined], ['eq', undefined], ['mn', ['seq']], ['mx', ['seq']], ['mu', undefined],
      ['ng', ['-seq']], ['ab', ['seq']], ['md', [0]], ['mo', undefined], ['nt', [0]], ['an', [0]], ['or', [1]], ['w', ['seq']],
    ];
    for (const [v, want] of cases) expect(contents(lines, v), v).toEqual(want);
  });
});
