import { describe, expect, it } from 'vitest';
import { parseGraph, printGraph } from '@onnx2wasm/ir';
import { fuseEpilogue } from './fuse-epilogue.js';

const run = (lines: string[]) => printGraph(fuseEpilogue.run(parseGraph(lines.join('\n')), { maxFoldElements: 1 << 20 }).graph);

describe('fuse-epilogue', () => {
  it('folds bias, residual and relu into a Gemm', () => {
    expect(run([
      'graph g(%x: float32[2,3], %r: float32[2,2]) -> (%y)',
      '  const %b: float32[2] = [1, 2]',
      '  const %w: float32[2,3]',
      '  %h: float32[2,2] = Gemm(%x, %w) {alpha=1, beta=1, transA=0, transB=1}  # fc',
      '  %hb: float32[2,2] = Add(%h, %b)  # bias',
      '  %s: float32[2,2] = Add(%r, %hb)  # res',
      '  %y: float32[2,2] = Relu(%s)  # act',
    ])).toBe([
      'graph g(%x: float32[2,3], %r: float32[2,2]) -> (%y)',
      '  const %b: float32[2] = [1, 2]',
      '  const %fc/bias_0: float32[2] = [1, 2]',
      '  const %w: float32[2,3] = [0.5, 1.5, 2.5, 3.5, 4.5, 5.5]',
      '  %y: float32[2,2] = Gemm(%x, %w, %fc/bias_0, %r) {activation="relu", activation_params=[], alpha=1, beta=1, transA=0, transB=1}  # fc',
    ].join('\n'));
  });
  it('recognizes x * sigmoid(x) as SiLU', () => {
    expect(run([
      'graph g(%x: float32[2,3]) -> (%y)',
      '  const %w: float32[3,3]',
      '  %h: float32[2,3] = Gemm(%x, %w) {alpha=1, beta=1, transA=0, transB=0}  # fc',
      '  %s: float32[2,3] = Sigmoid(%h)  # sig',
      '  %y: float32[2,3] = Mul(%h, %s)  # mul',
    ])).toMatch(/%y: float32\[2,3\] = Gemm\(%x, %w\) \{activation="silu", activation_params=\[\], alpha=1, beta=1, transA=0, transB=0\}  # fc$/m);
  });
  it('does not fuse a value that has other readers', () => {
    const lines = [
      'graph g(%x: float32[2,3]) -> (%y, %h)',
      '  const %w: float32[3,3]',
      '  %h: float32[2,3] = Gemm(%x, %w) {alpha=1, beta=1, transA=0, transB=0}  # fc',
      '  %y: float32[2,3] = Relu(%h)  # act',
    ];
    expect(run(lines)).toBe(printGraph(parseGraph(lines.join('\n'))));
  });
  it('applies clip with constant bounds as an activation', () => {
    expect(run([
      'graph g(%x: float32[1,3]) -> (%y)',
      '  const %w: float32[3,3]',
      '  const %lo: float32[] = [0]',
      '  const %hi: float32[] = [6]',
      '  %h: float32[1,3] = Gemm(%x, %w) {alpha=1, beta=1, transA=0, transB=0}  # fc',
      '  %y: float32[1,3] = Clip(%h, %lo, %hi)  # clip',
    ])).toMatch(/Gemm\(%x, %w\) \{activation="clip", activation_params=\[0, 6\], alpha=1, beta=1, transA=0, transB=0\}/);
  });
});

describe('fuse-epilogue on Conv', () => {
  it('folds a per-channel bias, a residual and Relu into the convolution', () => {
    const out = run([
      'graph g(%x: float32[1,2,4,4], %r: float32[1,3,4,4]) -> (%y)',
      '  const %w: float32[3,2,1,1]',
      '  const %b: float32[3,1,1] = [1, 2, 3]',
      '  %c: float32[1,3,4,4] = Conv(%x, %w) {dilations=[1, 1], group=1, kernel_shape=[1, 1], pads=[0, 0, 0, 0], strides=[1, 1]}  # conv',
      '  %cb: float32[1,3,4,4] = Add(%c, %b)  # bias',
      '  %s: float32[1,3,4,4] = Add(%cb, %r)  # res',
      '  %y: float32[1,3,4,4] = Relu(%s)  # act',
    ]);
    expect(out).toMatch(/%y: float32\[1,3,4,4\] = Conv\(%x, %w, %conv\/bias_\d+, %r\) \{activation="relu", .*\}  # conv/);
  });
});
