import { describe, expect, it } from 'vitest';
import { parseGraph, printGraph } from './index.js';

describe('IR text', () => {
  it('round-trips through print and parse', () => {
    const text = [
      'graph g(%x: float32[2,3]) -> (%y)',
      '  const %b: float32[3] = [1, 2, 3]',
      '  const %w: float32[3,3] = [1, 0, 0, 0, 1, 0, 0, 0, 1]',
      '  %h: float32[2,3] = Gemm(%x, %w, %b) {alpha=1, transB=1}  # fc',
      '  %y: float32[2,3] = Relu(%h)  # act',
    ].join('\n');
    const g = parseGraph(text);
    expect(g.nodes.map((n) => n.name)).toEqual(['fc', 'act']);
    expect(printGraph(g)).toBe(text);
  });
  it('re-infers types and rejects bad shapes naming the node', () => {
    expect(() => parseGraph('graph g(%x: float32[2,3]) -> (%y)\n  const %w: float32[4,3]\n  %y = Gemm(%x, %w)  # fc')).toThrow(/Gemm node 'fc'.*inner dimensions/);
  });
});
