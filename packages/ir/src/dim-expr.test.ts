import { describe, expect, it } from 'vitest';
import { dimAdd, dimDiv, dimFromTerms, dimMul, dimProduct, dimSub, dimSymbols, dimTerms, evalDim, isDimExpr } from './index.js';

describe('dim expressions', () => {
  it('keeps one canonical text per polynomial', () => {
    expect(dimMul('batch', 4)).toBe('4*batch');
    expect(dimMul(4, 'batch')).toBe('4*batch');
    expect(dimMul('seq', 'batch')).toBe('batch*seq');
    expect(dimMul('seq', 'seq')).toBe('seq*seq');
    expect(dimAdd('seq', 'batch')).toBe(dimAdd('batch', 'seq'));
    expect(dimAdd('seq', 1)).toBe('seq+1');
    expect(dimSub(1, 'seq')).toBe('-seq+1');
    expect(dimProduct(['seq', 'batch', 2, 'batch'])).toBe('2*batch*batch*seq');
    expect(dimFromTerms(dimTerms('3 + 2*seq*batch - b'))).toBe('2*batch*seq-b+3');
  });
  it('returns numbers for constant results', () => {
    expect(dimSub('batch', 'batch')).toBe(0);
    expect(dimAdd(dimMul('n', 2), dimMul('n', -2))).toBe(0);
    expect(dimDiv('4*batch', '2*batch')).toBe(2);
    expect(dimProduct([2, 3, 7])).toBe(42);
    expect(dimTerms(0)).toEqual([]);
    expect(dimTerms(5)).toEqual([{ coef: 5, symbols: [] }]);
  });
  it('divides only exactly', () => {
    expect(dimDiv('4*batch', 4)).toBe('batch');
    expect(dimDiv(dimProduct(['batch', 4, 'seq']), 'seq')).toBe('4*batch');
    expect(dimDiv('2*batch*seq+4*seq', '2*seq')).toBe('batch+2');
    expect(dimDiv('batch', 4)).toBeUndefined();
    expect(dimDiv('4*batch+2', 4)).toBeUndefined();
    expect(dimDiv('batch', 'seq')).toBeUndefined();
    expect(dimDiv('batch+seq', 'batch+seq')).toBe(1);
    expect(dimDiv('batch', 'batch+seq')).toBeUndefined();
    // by a polynomial: the KV cache's [batch, 4, past+seq, 8] reshaped to [-1, past+seq, 8]
    expect(dimDiv(dimProduct(['batch', 4, 'past+seq', 8]), dimMul('past+seq', 8))).toBe('4*batch');
    expect(dimDiv(dimMul('a+1', 'b+2'), 'b+2')).toBe('a+1');
    expect(dimDiv(dimAdd(dimMul('a+1', 'b+2'), 1), 'b+2')).toBeUndefined();
    expect(dimDiv(7, 2)).toBeUndefined();
    expect(dimDiv(8, 0)).toBeUndefined();
  });
  it('lists symbols and evaluates', () => {
    expect(dimSymbols('2*seq*seq+batch')).toEqual(['batch', 'seq']);
    expect(dimSymbols(3)).toEqual([]);
    expect(evalDim('2*batch*seq-seq+1', { batch: 3, seq: 5 })).toBe(26);
    expect(() => evalDim('batch*seq', { batch: 1 })).toThrow(/seq/);
  });
  it('recognizes polynomial text', () => {
    for (const s of ['batch', 'a_1*b', '-x+3', '2*n']) expect(isDimExpr(s)).toBe(true);
    for (const s of ['batch size', 'a**b', '2*', '', 'a+', 'x/2', 'a.b']) expect(isDimExpr(s)).toBe(false);
  });
  it('treats a non-polynomial name as one opaque symbol', () => {
    expect(dimMul('batch size', 1)).toBe('batch size');
    expect(dimSymbols('batch size')).toEqual(['batch size']);
  });
});
