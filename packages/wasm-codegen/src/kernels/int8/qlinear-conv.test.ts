import { describe, expect, it } from 'vitest';
import { DType, makeTensor } from '@onnx2wasm/ir';
import { KernelInput, compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

// The integer conv kernel bit for bit against the IR reference (exact int32 sums, onnxruntime's
// requantization): padded and unpadded, strided, dilated, odd K and M, bands that end in partial
// 16-pixel tiles, int8 and uint8 activations and outputs, per-tensor and per-channel scales,
// full-range weights and long reductions (sums far beyond 2^24), last pixel blocks of 1-4 vectors.
describe('QLinearConv integer kernel vs reference', () => {
  const cases: { x: number[]; w: number[]; attrs?: Record<string, number[]>; xt: DType; yt: DType; wt?: DType; perChannel?: boolean; bias?: boolean }[] = [
    // The integer Winograd F(2x2, 3x3) (winograd-conv.ts; winograd: [1] forces it, [0] keeps im2col):
    // odd and even sizes, pads 0 and 1, odd C and M, full and partial bands, long reductions.
    { x: [1, 3, 9, 11], w: [5, 3, 3, 3], attrs: { pads: [1, 1, 1, 1], winograd: [1] }, xt: 'int8', yt: 'int8', perChannel: true, bias: true },
    { x: [2, 16, 7, 7], w: [8, 16, 3, 3], attrs: { winograd: [1] }, xt: 'uint8', yt: 'uint8', bias: true },
    { x: [1, 17, 12, 13], w: [9, 17, 3, 3], attrs: { pads: [1, 1, 1, 1], winograd: [1] }, xt: 'uint8', yt: 'int8', perChannel: true },
    { x: [1, 8, 20, 18], w: [7, 8, 3, 3], attrs: { pads: [1, 0, 0, 1], winograd: [1] }, xt: 'int8', yt: 'uint8', bias: true },
    { x: [1, 64, 56, 56], w: [64, 64, 3, 3], attrs: { pads: [1, 1, 1, 1], winograd: [1] }, xt: 'uint8', yt: 'uint8', perChannel: true, bias: true },
    { x: [1, 32, 27, 27], w: [13, 32, 3, 3], attrs: { pads: [1, 1, 1, 1], winograd: [1] }, xt: 'int8', yt: 'int8', perChannel: true, bias: true },
    { x: [1, 512, 7, 7], w: [3, 512, 3, 3], attrs: { pads: [1, 1, 1, 1], winograd: [1] }, xt: 'uint8', yt: 'int8', perChannel: true, bias: true },
    // 14x14: 7 tile rows of 8 tiles, the band's last block 8 tiles wide.
    { x: [1, 256, 14, 14], w: [5, 256, 3, 3], attrs: { pads: [1, 1, 1, 1], winograd: [1] }, xt: 'uint8', yt: 'uint8', perChannel: true, bias: true },
    { x: [1, 32, 5, 6], w: [6, 32, 3, 3], attrs: { pads: [1, 1, 1, 1], winograd: [1] }, xt: 'int8', yt: 'int8', wt: 'uint8' },
    { x: [1, 16, 9, 9], w: [16, 16, 3, 3], attrs: { pads: [1, 1, 1, 1], winograd: [0] }, xt: 'uint8', yt: 'uint8', bias: true },
    { x: [1, 3, 9, 11], w: [5, 3, 3, 3], attrs: { pads: [1, 1, 1, 1] }, xt: 'int8', yt: 'int8', perChannel: true, bias: true },
    { x: [2, 16, 7, 7], w: [8, 16, 1, 1], xt: 'uint8', yt: 'uint8', bias: true },
    { x: [1, 8, 20, 18], w: [7, 8, 3, 3], attrs: { strides: [2, 2], pads: [1, 0, 1, 2] }, xt: 'uint8', yt: 'int8', perChannel: true },
    { x: [1, 5, 12, 12], w: [4, 5, 3, 2], attrs: { dilations: [2, 1], pads: [2, 0, 0, 1] }, xt: 'int8', yt: 'uint8', bias: true },
    { x: [1, 3, 33, 33], w: [6, 3, 7, 7], attrs: { strides: [2, 2], pads: [3, 3, 3, 3] }, xt: 'uint8', yt: 'uint8', perChannel: true, bias: true },
    { x: [1, 600, 3, 5], w: [3, 600, 3, 3], attrs: { pads: [1, 1, 1, 1] }, xt: 'uint8', yt: 'int8', perChannel: true },
    { x: [1, 32, 4, 4], w: [64, 32, 1, 1], xt: 'int8', yt: 'int8', wt: 'uint8' },
    // Stride 2 unpadded (a downsampling 1x1), output rows of 19: a full and a partial 16-byte step.
    { x: [1, 16, 14, 37], w: [9, 16, 1, 1], attrs: { strides: [2, 2] }, xt: 'uint8', yt: 'uint8', bias: true },
    // Last 16-pixel blocks holding 2 and 3 vectors of pixels (the GEMM stops its dots there).
    { x: [1, 12, 3, 7], w: [5, 12, 1, 1], xt: 'uint8', yt: 'uint8', bias: true },
    { x: [2, 24, 5, 5], w: [6, 24, 1, 1], xt: 'int8', yt: 'int8', perChannel: true },
    // Depthwise (group = channels): strides 1 and 2, pads, rows not a multiple of 8.
    { x: [2, 6, 11, 13], w: [6, 1, 3, 3], attrs: { pads: [1, 1, 1, 1], group: [6] }, xt: 'uint8', yt: 'uint8', perChannel: true, bias: true },
    { x: [1, 5, 15, 21], w: [5, 1, 3, 3], attrs: { strides: [2, 2], pads: [1, 1, 1, 1], group: [5] }, xt: 'int8', yt: 'int8', perChannel: true, bias: true },
    { x: [1, 4, 12, 9], w: [4, 1, 5, 5], attrs: { pads: [2, 2, 2, 2], group: [4] }, xt: 'int8', yt: 'uint8' },
  ];
  for (const [i, t] of cases.entries()) {
    it(`x [${t.x}] ${t.xt} · w [${t.w}] → ${t.yt} ${JSON.stringify(t.attrs ?? {})}`, async () => {
      const r = rng(1000 + i);
      const [xlo, xhi] = t.xt === 'int8' ? [-128, 127] : [0, 255];
      const wt = t.wt ?? 'int8';
      const [wlo, whi] = wt === 'int8' ? [-128, 127] : [0, 255];
      const M = t.w[0]!;
      const K = t.w.slice(1).reduce((a, b) => a * b, 1);
      const ms = t.perChannel ? [M] : [];
      const inputs: (KernelInput | undefined)[] = [
        { tensor: randomTensor(t.xt, t.x, r, xlo, xhi) },
        { tensor: makeTensor('float32', [], [0.02]), constant: true },
        { tensor: makeTensor(t.xt, [], [t.xt === 'int8' ? -3 : 131]), constant: true },
        { tensor: randomTensor(wt, t.w, r, wlo, whi), constant: true },
        { tensor: randomTensor('float32', ms, r, 0.001, 0.01), constant: true },
        { tensor: makeTensor(wt, ms, new Array(t.perChannel ? M : 1).fill(0)), constant: true },
        // Outputs spread over the whole 8-bit range, with some saturating.
        { tensor: makeTensor('float32', [], [0.02 * 0.005 * Math.sqrt(K) * 40]), constant: true },
        { tensor: makeTensor(t.yt, [], [t.yt === 'int8' ? 5 : 120]), constant: true },
        t.bias ? { tensor: randomTensor('int32', [M], r, -20000, 20000), constant: true } : undefined,
      ];
      const attrs = { group: 1, ...Object.fromEntries(Object.entries(t.attrs ?? {}).map(([k, v]) => [k, k === 'group' || k === 'winograd' ? v[0]! : v])) };
      const { actual, expected } = await runKernel('QLinearConv', inputs, attrs);
      const c = compareTensors(actual[0]!, expected[0]!);
      expect(c.ok, c.message).toBe(true);
      // The case must exercise the range: not all one value, some outputs saturated or near it.
      const v = Array.from(expected[0]!.data as ArrayLike<number>);
      expect(new Set(v).size).toBeGreaterThan(20);
    });
  }
});
