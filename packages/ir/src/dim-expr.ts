// Symbolic dims as integer polynomials over named symbols. A string dim is always kept in one
// canonical text form, so two dims are equal exactly when their strings are equal; shape inference
// can then multiply, divide and add dims (Reshape, Flatten, Concat) instead of inventing fresh names.
import { Dim } from './graph.js';

export interface DimTerm { coef: number; symbols: string[] }

const SYMBOL = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TOKEN = /\s*(?:(\d+)|([A-Za-z_][A-Za-z0-9_]*)|([-+*]))/y;

/** Parses `2*batch*seq-seq+3`; undefined when the text is not a sum of integer × symbol products. */
function parseTerms(s: string): DimTerm[] | undefined {
  const terms: DimTerm[] = [];
  TOKEN.lastIndex = 0;
  let sign = 1;
  let cur: DimTerm | undefined;
  let expectFactor = true;
  while (TOKEN.lastIndex < s.length) {
    const m = TOKEN.exec(s);
    if (!m) return /^\s*$/.test(s.slice(TOKEN.lastIndex)) && !expectFactor ? finish() : undefined;
    const [, num, sym, opr] = m;
    if (expectFactor) {
      if (opr === '-' || opr === '+') {
        if (cur) return undefined; // '*-' is not part of the grammar
        if (opr === '-') sign = -sign;
        continue;
      }
      if (opr) return undefined;
      cur ??= { coef: sign, symbols: [] };
      if (num !== undefined) cur.coef *= Number(num);
      else cur.symbols.push(sym!);
      expectFactor = false;
    } else {
      if (!opr) return undefined;
      if (opr === '*') { expectFactor = true; continue; }
      terms.push(cur!);
      cur = undefined;
      sign = opr === '-' ? -1 : 1;
      expectFactor = true;
    }
  }
  return expectFactor ? undefined : finish();
  function finish(): DimTerm[] {
    if (cur) terms.push(cur);
    return normalize(terms);
  }
}

function key(symbols: readonly string[]): string { return symbols.join('*'); }

/** Sorts symbols, merges like terms, drops zeros and orders terms: higher degree first, then by name, constant last. */
function normalize(terms: readonly DimTerm[]): DimTerm[] {
  const merged = new Map<string, DimTerm>();
  for (const t of terms) {
    const symbols = [...t.symbols].sort();
    const k = key(symbols);
    const prev = merged.get(k);
    if (prev) prev.coef += t.coef;
    else merged.set(k, { coef: t.coef, symbols });
  }
  return [...merged.values()]
    .filter((t) => t.coef !== 0)
    .sort((a, b) => b.symbols.length - a.symbols.length || (key(a.symbols) < key(b.symbols) ? -1 : key(a.symbols) > key(b.symbols) ? 1 : 0));
}

/**
 * The canonical terms of a dim. A string that is not a polynomial (a legacy name such as `batch size`)
 * is treated as one opaque symbol, so arithmetic on it still works and stays self-consistent.
 */
export function dimTerms(d: Dim): DimTerm[] {
  if (typeof d === 'number') return d === 0 ? [] : [{ coef: d, symbols: [] }];
  return parseTerms(d) ?? [{ coef: 1, symbols: [d] }];
}

function termText(t: DimTerm, first: boolean): string {
  const mag = Math.abs(t.coef);
  const body = t.symbols.length === 0 ? String(mag) : (mag === 1 ? '' : `${mag}*`) + t.symbols.join('*');
  if (t.coef < 0) return `-${body}`;
  return first ? body : `+${body}`;
}

export function dimFromTerms(t: readonly DimTerm[]): Dim {
  const terms = normalize(t);
  if (terms.length === 0) return 0;
  if (terms.length === 1 && terms[0]!.symbols.length === 0) return terms[0]!.coef;
  return terms.map((x, i) => termText(x, i === 0)).join('');
}

export function dimAdd(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  return dimFromTerms([...dimTerms(a), ...dimTerms(b)]);
}

export function dimSub(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return dimFromTerms([...dimTerms(a), ...dimTerms(b).map((t) => ({ coef: -t.coef, symbols: t.symbols }))]);
}

export function dimMul(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  const out: DimTerm[] = [];
  for (const x of dimTerms(a)) for (const y of dimTerms(b)) out.push({ coef: x.coef * y.coef, symbols: [...x.symbols, ...y.symbols] });
  return dimFromTerms(out);
}

/** Removes `divisor`'s symbols from `symbols` (a multiset); undefined when one is missing. */
function removeSymbols(symbols: readonly string[], divisor: readonly string[]): string[] | undefined {
  const rest = [...symbols];
  for (const s of divisor) {
    const i = rest.indexOf(s);
    if (i < 0) return undefined;
    rest.splice(i, 1);
  }
  return rest;
}

/**
 * Exact division by a polynomial (`32*batch*past+32*batch*seq` by `8*past+8*seq` is `4*batch`): long
 * division on leading terms. The result is exact by construction (the remainder reached zero);
 * undefined when a step does not divide, which may also miss a quotient under an unlucky term order.
 */
function divideByPolynomial(a: DimTerm[], b: DimTerm[]): Dim | undefined {
  const lead = b[0]!;
  const quotient: DimTerm[] = [];
  let rest = normalize(a);
  for (let step = 0; rest.length > 0; step++) {
    const t = rest[0]!;
    const symbols = removeSymbols(t.symbols, lead.symbols);
    if (!symbols || t.coef % lead.coef !== 0 || step > 64) return undefined;
    const q: DimTerm = { coef: t.coef / lead.coef, symbols };
    quotient.push(q);
    rest = normalize([...rest, ...b.map((x) => ({ coef: -q.coef * x.coef, symbols: [...q.symbols, ...x.symbols] }))]);
  }
  return dimFromTerms(quotient);
}

/** Exact division by a number or a monomial (`4`, `batch`, `2*seq`); undefined when it does not divide. */
export function dimDiv(a: Dim, b: Dim): Dim | undefined {
  if (typeof a === 'number' && typeof b === 'number') return b !== 0 && a % b === 0 ? a / b : undefined;
  const divisor = dimTerms(b);
  if (divisor.length !== 1) return divideByPolynomial(dimTerms(a), divisor);
  const { coef, symbols } = divisor[0]!;
  const out: DimTerm[] = [];
  for (const t of dimTerms(a)) {
    const rest = removeSymbols(t.symbols, symbols);
    if (!rest || t.coef % coef !== 0) return undefined;
    out.push({ coef: t.coef / coef, symbols: rest });
  }
  return dimFromTerms(out);
}

export function dimProduct(dims: readonly Dim[]): Dim {
  return dims.reduce<Dim>((p, d) => dimMul(p, d), 1);
}

export function dimSymbols(d: Dim): string[] {
  return [...new Set(dimTerms(d).flatMap((t) => t.symbols))].sort();
}

/** The dim's value for concrete symbol values; throws naming the first symbol `env` lacks. */
export function evalDim(d: Dim, env: Record<string, number>): number {
  if (typeof d === 'number') return d;
  let sum = 0;
  for (const t of dimTerms(d)) {
    let v = t.coef;
    for (const s of t.symbols) {
      const x = env[s];
      if (x === undefined) throw new Error(`dim '${d}' needs a value for symbol '${s}'`);
      v *= x;
    }
    sum += v;
  }
  return sum;
}

export function isDimExpr(s: string): boolean {
  return parseTerms(s) !== undefined;
}

/** Whether a name can be a symbol of a dim expression (the importer sanitizes ONNX dim_params to this). */
export function isDimSymbol(s: string): boolean {
  return SYMBOL.test(s);
}

/** Canonical form of a dim: constant polynomials become numbers, expressions are re-ordered. */
export function canonicalDim(d: Dim): Dim {
  return typeof d === 'number' ? d : dimFromTerms(dimTerms(d));
}
