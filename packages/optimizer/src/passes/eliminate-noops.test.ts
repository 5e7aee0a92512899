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
  it('removes a Reshape to the same symbolic shape and keeps one that splits a dim', () => {
    expect(run([
      'graph g(%x: float32[seq,4*batch,64]) -> (%y)',
      '  %s: int64[3] = Dims() {dims=["seq", "batch*4", 64]}  # same',
      '  %a: float32[seq,4*batch,64] = Reshape(%x, %s) {allowzero=0}  # r1',
      '  %t: int64[4] = Dims() {dims=["seq", "batch", 4, 64]}  # split',
      '  %y: float32[seq,batch,4,64] = Reshape(%a, %t) {allowzero=0}  # r2',
    ].join('\n'))).toBe([
      'graph g(%x: float32[seq,4*batch,64]) -> (%y)',
      '  %s: int64[3] = Dims() {dims=["seq", "batch*4", 64]}  # same',
      '  %t: int64[4] = Dims() {dims=["seq", "batch", 4, 64]}  # split',
      '  %y: float32[seq,batch,4,64] = Reshape(%x, %t) {allowzero=0}  # r2',
    ].join('\n'));
  });
  it('turns a Transpose that only moves size-1 dims into a Reshape, and keeps one that reorders data', () => {
    expect(run([
      'graph g(%x: float32[1,seq,256]) -> (%y)',
      '  %a: float32[seq,1,256] = Transpose(%x) {perm=[1, 0, 2]}  # unit',
      '  %b: float32[256,seq,1] = Transpose(%a) {perm=[2, 0, 1]}  # reorders',
      '  %y: float32[256,seq,1] = Relu(%b)  # r',
    ].join('\n'))).toBe([
      'graph g(%x: float32[1,seq,256]) -> (%y)',
      '  %a/shape_0: int64[3] = Dims() {dims=["seq", 1, 256]}  # unit/shape',
      '  %a: float32[seq,1,256] = Reshape(%x, %a/shape_0) {allowzero=0}  # unit',
      '  %b: float32[256,seq,1] = Transpose(%a) {perm=[2, 0, 1]}  # reorders',
      '  %y: float32[256,seq,1] = Relu(%b)  # r',
    ].join('\n'));
  });
});
