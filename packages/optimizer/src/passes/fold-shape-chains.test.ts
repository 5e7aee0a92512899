// Shape arithmetic exporters write (Shape → Gather → Unsqueeze → Concat → Reshape) is inferred with
// symbolic dims at import; fold-constants must fold it and re-infer the nodes after it to static shapes.
import { describe, expect, it } from 'vitest';
import { parseGraph, printGraph } from '@onnx2wasm/ir';
import { foldConstants } from './fold-constants.js';
import { eliminateDeadCode } from './eliminate-dead-code.js';

const ctx = { maxFoldElements: 1 << 20 };

describe('fold-constants on shape chains', () => {
  it('folds Shape → Gather → Unsqueeze → Concat into a Reshape shape and makes later types static', () => {
    const g = parseGraph([
      'graph g(%x: float32[2,3,4]) -> (%y)',
      '  const %i0: int64[] = [0]',
      '  const %minus1: int64[1] = [-1]',
      '  %s: int64[3] = Shape(%x)  # shape',
      '  %d0: int64[] = Gather(%s, %i0) {axis=0}  # gather',
      '  %u: int64[1] = Unsqueeze(%d0) {axes=[0]}  # unsqueeze',
      '  %shape: int64[2] = Concat(%u, %minus1) {axis=0}  # concat',
      '  %r: float32[?,?] = Reshape(%x, %shape)  # reshape',
      '  %y: float32[?,?] = Softmax(%r) {axis=-1}  # softmax',
    ].join('\n'));
    expect(g.types.get('r')!.shape.every((d) => typeof d === 'string')).toBe(true);
    const folded = eliminateDeadCode.run(foldConstants.run(g, ctx).graph, ctx).graph;
    expect(printGraph(folded)).toBe([
      'graph g(%x: float32[2,3,4]) -> (%y)',
      '  const %shape: int64[2] = [2, -1]',
      '  %r: float32[2,12] = Reshape(%x, %shape)  # reshape',
      '  %y: float32[2,12] = Softmax(%r) {axis=-1}  # softmax',
    ].join('\n'));
  });
});
