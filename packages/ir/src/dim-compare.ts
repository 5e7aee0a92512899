// Order between dim expressions, decided from signs alone: every symbol is a dim, so it is at least 0,
// and a polynomial whose coefficients are all positive is never negative (and at least its constant
// term). This decides the comparisons, Min and Max exporters write on shapes (`max(seq - 1, 0)` is
// not decidable, `min(past + seq, past + seq + 1)` is), and leaves the rest unknown rather than guessed.
import { Dim } from './graph.js';
import { dimMul, dimSub, dimTerms } from './dim-expr.js';

/** The sign of a dim expression for every value of its symbols (all >= 0), when one sign holds. */
export type DimSign = 'zero' | 'positive' | 'nonnegative' | 'negative' | 'nonpositive';

export function dimSign(d: Dim): DimSign | undefined {
  if (typeof d === 'number') return d === 0 ? 'zero' : d > 0 ? 'positive' : 'negative';
  const terms = dimTerms(d);
  const constant = terms.find((t) => t.symbols.length === 0)?.coef ?? 0;
  if (terms.every((t) => t.coef > 0)) return constant > 0 ? 'positive' : 'nonnegative';
  if (terms.every((t) => t.coef < 0)) return constant < 0 ? 'negative' : 'nonpositive';
  return undefined;
}

/** -1, 0 or 1 as a compares to b, when that is the same for every value of the symbols. */
export function compareDims(a: Dim, b: Dim): -1 | 0 | 1 | undefined {
  switch (dimSign(dimSub(a, b))) {
    case 'zero': return 0;
    case 'positive': return 1;
    case 'negative': return -1;
    default: return undefined;
  }
}

/** a <= b for every value of the symbols: true, false, or undefined when it depends on them. */
export function dimAtMost(a: Dim, b: Dim): boolean | undefined {
  const s = dimSign(dimSub(b, a));
  if (s === 'zero' || s === 'positive' || s === 'nonnegative') return true;
  if (s === 'negative') return false;
  return undefined;
}

export function dimMin(a: Dim, b: Dim): Dim | undefined {
  const le = dimAtMost(a, b);
  return le === undefined ? (dimAtMost(b, a) ? b : undefined) : le ? a : b;
}

export function dimMax(a: Dim, b: Dim): Dim | undefined {
  const le = dimAtMost(a, b);
  return le === undefined ? (dimAtMost(b, a) ? a : undefined) : le ? b : a;
}

export function dimAbs(a: Dim): Dim | undefined {
  const s = dimSign(a);
  if (s === undefined) return undefined;
  return s === 'negative' || s === 'nonpositive' ? dimMul(a, -1) : a;
}
