import { describe, expect, it } from 'vitest';
import { parseGraph, printGraph } from '@onnx2wasm/ir';
import { eliminateNoops } from './eliminate-noops.js';

const run = (text: string) => printGraph(eliminateNoops.run(parseGraph(text), { maxFoldElements: 1 << 20 }).graph);

describe('eliminate-noops', () => {
  it('removes Identity chains and rewires readers', () => {
    expect(run([
      'graph g(%x: float32[2,3]) -> (%y)',
      '  %a: float32[2,3] = Identity(%x)  # i1',
      '  %b: float32[2,3] = Identity(%a)  # i2',
      '  %y: float32[2,3] = Relu(%b)  # r',
    ].join('\n'))).toBe([
      'graph g(%x: float32[2,3]) -> (%y)',
      '  %y: float32[2,3] = Relu(%x)  # r',
    ].join('\n'));
  });
  it('keeps an Identity that defines a graph output', () => {
    const text = [
      'graph g(%x: float32[2,3]) -> (%y)',
      '  %y: float32[2,3] = Identity(%x)  # i',
    ].join('\n');
    expect(run(text)).toBe(text);
  });
});
