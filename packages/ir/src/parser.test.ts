import { describe, expect, it } from 'vitest';
import { parseGraph, printGraph } from './index.js';

describe('IR text', () => {
  it('round-trips through print and parse', () => {
    const text = [
      'graph g(%x: float32[2,3]) -> (%y)',
      '  const %b: float32[3] = [1, 2, 3]',
      '  const %w: float32[3,3] = [1, 0, 0, 0, 1, 0, 0, 0, 1]',
      '  %h: float32[2,3] = Gemm(%x, %w, %b) {alpha=1, beta=1, transA=0, transB=1}  # fc',
      '  %y: float32[2,3] = Relu(%h)  # act',
    ].join('\n');
    const g = parseGraph(text);
    expect(g.nodes.map((n) => n.name)).toEqual(['fc', 'act']);
    expect(printGraph(g)).toBe(text);
  });
  it('re-infers types and rejects bad shapes naming the node', () => {
    expect(() => parseGraph('graph g(%x: float32[2,3]) -> (%y)\n  const %w: float32[4,3]\n  %y = Gemm(%x, %w) {alpha=1, beta=1, transA=0, transB=0}  # fc')).toThrow(/Gemm node 'fc'.*inner dimensions/);
  });
});

describe('IR text with symbolic dims', () => {
  it('round-trips dim expressions', () => {
    const text = [
      'graph g(%x: float32[batch,seq,256]) -> (%y)',
      '  %y: float32[batch*seq,256] = Flatten(%x) {axis=2}  # flat',
    ].join('\n');
    const g = parseGraph(text);
    expect(g.types.get('y')!.shape).toEqual(['batch*seq', 256]);
    expect(printGraph(g)).toBe(text);
  });
  it('reads expressions in canonical form', () => {
    const g = parseGraph('graph g(%x: float32[seq*batch,2+n-1,4*seq-seq]) -> (%x)');
    expect(g.types.get('x')!.shape).toEqual(['batch*seq', 'n+1', '3*seq']);
  });
});
