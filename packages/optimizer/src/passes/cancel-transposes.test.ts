import { describe, expect, it } from 'vitest';
import { parseGraph, printGraph } from '@onnx2wasm/ir';
import { cancelTransposes } from './cancel-transposes.js';
import { eliminateNoops } from './eliminate-noops.js';

const ctx = { maxFoldElements: 1 << 20 };

describe('cancel-transposes', () => {
  it('composes two transposes into one', () => {
    const g = cancelTransposes.run(parseGraph([
      'graph g(%x: float32[2,3,4]) -> (%y)',
      '  %a: float32[3,4,2] = Transpose(%x) {perm=[1, 2, 0]}  # t1',
      '  %y: float32[4,3,2] = Transpose(%a) {perm=[1, 0, 2]}  # t2',
    ].join('\n')), ctx).graph;
    expect(printGraph(g)).toBe([
      'graph g(%x: float32[2,3,4]) -> (%y)',
      '  %y: float32[4,3,2] = Transpose(%x) {perm=[2, 1, 0]}  # t2',
    ].join('\n'));
  });
  it('an inverse pair disappears with eliminate-noops', () => {
    const g = cancelTransposes.run(parseGraph([
      'graph g(%x: float32[2,3,4]) -> (%y)',
      '  %a: float32[4,2,3] = Transpose(%x) {perm=[2, 0, 1]}  # t1',
      '  %b: float32[2,3,4] = Transpose(%a) {perm=[1, 2, 0]}  # t2',
      '  %y: float32[2,3,4] = Relu(%b)  # r',
    ].join('\n')), ctx).graph;
    expect(printGraph(eliminateNoops.run(g, ctx).graph)).toBe([
      'graph g(%x: float32[2,3,4]) -> (%y)',
      '  %y: float32[2,3,4] = Relu(%x)  # r',
    ].join('\n'));
  });
});
