import { describe, expect, it } from 'vitest';
import { parseGraph, printGraph } from '@onnx2wasm/ir';
import { foldConstants } from './fold-constants.js';
import { eliminateDeadCode } from './eliminate-dead-code.js';

const ctx = { maxFoldElements: 1 << 20 };
const fold = (text: string) => {
  const folded = foldConstants.run(parseGraph(text), ctx).graph;
  return printGraph(eliminateDeadCode.run(folded, ctx).graph);
};

describe('fold-constants + dce', () => {
  it('evaluates nodes whose inputs are all constant', () => {
    expect(fold([
      'graph g(%x: float32[3]) -> (%y)',
      '  const %a: float32[3] = [1, 2, 3]',
      '  const %b: float32[3] = [10, 20, 30]',
      '  %c: float32[3] = Add(%a, %b)  # add',
      '  %y: float32[3] = Mul(%x, %c)  # mul',
    ].join('\n'))).toBe([
      'graph g(%x: float32[3]) -> (%y)',
      '  const %c: float32[3] = [11, 22, 33]',
      '  %y: float32[3] = Mul(%x, %c)  # mul',
    ].join('\n'));
  });
  it('leaves results larger than the fold limit computed at run time', () => {
    const text = [
      'graph g(%x: float32[4]) -> (%y)',
      '  const %a: float32[4] = [1, 2, 3, 4]',
      '  %c: float32[4] = Relu(%a)  # r',
      '  %y: float32[4] = Mul(%x, %c)  # mul',
    ].join('\n');
    expect(printGraph(foldConstants.run(parseGraph(text), { maxFoldElements: 2 }).graph)).toBe(text);
  });
  it('dce drops unused nodes and constants', () => {
    expect(printGraph(eliminateDeadCode.run(parseGraph([
      'graph g(%x: float32[2]) -> (%y)',
      '  const %unused: float32[2] = [1, 2]',
      '  %dead: float32[2] = Neg(%x)  # dead',
      '  %y: float32[2] = Relu(%x)  # live',
    ].join('\n')), ctx).graph)).toBe([
      'graph g(%x: float32[2]) -> (%y)',
      '  %y: float32[2] = Relu(%x)  # live',
    ].join('\n'));
  });
});
