// Shape arithmetic exporters write (Shape → Gather → Unsqueeze → Concat → Reshape): inference reads
// its contents through the chain; fold-constants replaces the chain by a constant when every dim is
// static, or by one Dims node holding dim expressions when the input's shape is symbolic.
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
      '  %s: int64[3] = Shape(%x) {start=0}  # shape',
      '  %d0: int64[] = Gather(%s, %i0) {axis=0}  # gather',
      '  %u: int64[1] = Unsqueeze(%d0) {axes=[0]}  # unsqueeze',
      '  %shape: int64[2] = Concat(%u, %minus1) {axis=0}  # concat',
      '  %r: float32[?,?] = Reshape(%x, %shape) {allowzero=0}  # reshape',
      '  %y: float32[?,?] = Softmax(%r) {axis=-1}  # softmax',
    ].join('\n'));
    expect(g.types.get('r')!.shape).toEqual([2, 12]);
    const folded = eliminateDeadCode.run(foldConstants.run(g, ctx).graph, ctx).graph;
    expect(printGraph(folded)).toBe([
      'graph g(%x: float32[2,3,4]) -> (%y)',
      '  const %shape: int64[2] = [2, -1]',
      '  %r: float32[2,12] = Reshape(%x, %shape) {allowzero=0}  # reshape',
      '  %y: float32[2,12] = Softmax(%r) {axis=-1}  # softmax',
    ].join('\n'));
  });
  it('replaces a chain on symbolic dims by one Dims node and keeps the types symbolic', () => {
    const g = parseGraph([
      'graph g(%x: float32[batch,seq,256]) -> (%y)',
      '  const %i0: int64[] = [0]',
      '  const %i1: int64[] = [1]',
      '  const %four: int64[] = [4]',
      '  const %c64: int64[1] = [64]',
      '  %t: float32[seq,batch,256] = Transpose(%x) {perm=[1, 0, 2]}  # tr',
      '  %s: int64[3] = Shape(%t) {start=0}  # shape',
      '  %d0: int64[] = Gather(%s, %i0) {axis=0}  # g0',
      '  %d1: int64[] = Gather(%s, %i1) {axis=0}  # g1',
      '  %m: int64[] = Mul(%d1, %four)  # mul',
      '  %u0: int64[1] = Unsqueeze(%d0) {axes=[0]}  # u0',
      '  %u1: int64[1] = Unsqueeze(%m) {axes=[0]}  # u1',
      '  %shape: int64[3] = Concat(%u0, %u1, %c64) {axis=0}  # concat',
      '  %y: float32[?,?,?] = Reshape(%t, %shape) {allowzero=0}  # reshape',
    ].join('\n'));
    expect(g.types.get('y')!.shape).toEqual(['seq', '4*batch', 64]);
    const folded = eliminateDeadCode.run(foldConstants.run(g, ctx).graph, ctx).graph;
    expect(printGraph(folded)).toBe([
      'graph g(%x: float32[batch,seq,256]) -> (%y)',
      '  %t: float32[seq,batch,256] = Transpose(%x) {perm=[1, 0, 2]}  # tr',
      '  %shape: int64[3] = Dims() {dims=["seq", "4*batch", 64]}  # concat',
      '  %y: float32[seq,4*batch,64] = Reshape(%t, %shape) {allowzero=0}  # reshape',
    ].join('\n'));
    // The printed form reads back with the same types (Reshape reads the Dims node's contents).
    expect(printGraph(parseGraph(printGraph(folded)))).toBe(printGraph(folded));
  });
  it('folds a chain on symbolic shapes to a constant when the dims it reads are static', () => {
    const g = parseGraph([
      'graph g(%x: float32[batch,768]) -> (%y)',
      '  const %i1: int64[1] = [1]',
      '  const %three: int64[1] = [3]',
      '  const %zero: int64[1] = [0]',
      '  %s: int64[2] = Shape(%x) {start=0}  # shape',
      '  %d: int64[1] = Gather(%s, %i1) {axis=0}  # g',
      '  %e: int64[1] = Div(%d, %three)  # div',
      '  %y: float32[?,?] = Slice(%x, %zero, %e, %i1)  # slice',
    ].join('\n'));
    const folded = eliminateDeadCode.run(foldConstants.run(g, ctx).graph, ctx).graph;
    expect(printGraph(folded)).toBe([
      'graph g(%x: float32[batch,768]) -> (%y)',
      '  const %e: int64[1] = [256]',
      '  const %i1: int64[1] = [1]',
      '  const %zero: int64[1] = [0]',
      '  %y: float32[batch,256] = Slice(%x, %zero, %e, %i1)  # slice',
    ].join('\n'));
  });
  it('divides exactly when reshaping a symbolic batch back out', () => {
    const g = parseGraph([
      'graph g(%x: float32[4*batch,seq,64]) -> (%y)',
      '  %shape: int64[4] = Dims() {dims=["batch", 4, "seq", -1]}  # dims',
      '  %y: float32[?,?,?,?] = Reshape(%x, %shape) {allowzero=0}  # reshape',
    ].join('\n'));
    expect(g.types.get('y')!.shape).toEqual(['batch', 4, 'seq', 64]);
  });
});
