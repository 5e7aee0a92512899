import { describe, expect, it } from 'vitest';
import { DType, makeTensor } from '@onnx2wasm/ir';
import { KernelInput, compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

// The integer MatMul kernel bit for bit against the IR reference (exact int32 sums): uint8 and
// int8 activations and weights, run-time activation zero points, weight zero points absent, 0,
// per tensor and per column, row counts and K that are not multiples of 16 / 8, odd N, batched
// activations, a long reduction whose sums need far more than 16 bits, bands of rows, and the
// GEMV of up to 3 rows.
// (generateModule validates every module it builds and throws on an invalid one.)
describe('MatMulInteger integer kernel vs reference', () => {
  const cases: { a: number[]; b: [number, number]; at: DType; bt: DType; za?: number; zb?: 'tensor' | 'column' | 'zero' }[] = [
    { a: [128, 256], b: [256, 96], at: 'uint8', bt: 'int8', za: 131 },
    { a: [13, 37], b: [37, 11], at: 'uint8', bt: 'int8', za: 7, zb: 'column' },
    { a: [2, 9, 40], b: [40, 33], at: 'int8', bt: 'int8', za: -5, zb: 'tensor' },
    { a: [17, 24], b: [24, 8], at: 'uint8', bt: 'uint8', za: 255, zb: 'column' },
    { a: [5, 3], b: [3, 4], at: 'int8', bt: 'uint8' },
    { a: [32, 2051], b: [2051, 5], at: 'uint8', bt: 'int8', za: 0, zb: 'zero' },
    { a: [300, 600], b: [600, 7], at: 'uint8', bt: 'uint8', za: 100, zb: 'tensor' },
    // Up to 3 rows take the GEMV (gemv-integer.ts): odd K, N a multiple of 16 and not.
    { a: [1, 1281], b: [1281, 37], at: 'uint8', bt: 'int8', za: 140, zb: 'column' },
    { a: [3, 64], b: [64, 32], at: 'int8', bt: 'uint8', za: -7, zb: 'tensor' },
    { a: [1, 1, 2051], b: [2051, 16], at: 'uint8', bt: 'uint8', za: 0 },
  ];
  for (const [i, t] of cases.entries()) {
    it(`a [${t.a}] ${t.at} · b [${t.b}] ${t.bt}, zb ${t.zb ?? 'none'}`, async () => {
      const r = rng(2000 + i);
      const range = (d: DType): [number, number] => (d === 'int8' ? [-128, 127] : [0, 255]);
      const N = t.b[1];
      const zb = t.zb === 'column' ? randomTensor(t.bt, [N], r, ...range(t.bt))
        : t.zb === 'tensor' ? makeTensor(t.bt, [], [t.bt === 'int8' ? -9 : 140])
          : t.zb === 'zero' ? makeTensor(t.bt, [], [0]) : undefined;
      const inputs: (KernelInput | undefined)[] = [
        { tensor: randomTensor(t.at, t.a, r, ...range(t.at)) },
        { tensor: randomTensor(t.bt, t.b, r, ...range(t.bt)), constant: true },
        t.za !== undefined ? { tensor: makeTensor(t.at, [], [t.za]) } : undefined,
        zb ? { tensor: zb, constant: true } : undefined,
      ];
      const { actual, expected } = await runKernel('MatMulInteger', inputs);
      const c = compareTensors(actual[0]!, expected[0]!);
      expect(c.ok, c.message).toBe(true);
      const v = Array.from(expected[0]!.data as ArrayLike<number>);
      expect(new Set(v).size).toBeGreaterThan(10);
      if (t.a.at(-1)! > 1000) expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(2 ** 20);
    });
  }
});

// The float epilogue (ScaledMatMulInteger): the same sums, float32(acc) · scale + bias in float32
// steps — compared exactly, as the kernel and the reference round the same way.
describe('ScaledMatMulInteger integer kernel vs reference', () => {
  const cases: { a: number[]; b: [number, number]; perColumn: boolean; bias: boolean; zb?: boolean }[] = [
    { a: [128, 256], b: [256, 64], perColumn: false, bias: true },
    { a: [2, 7, 45], b: [45, 13], perColumn: true, bias: true, zb: true },
    { a: [19, 1030], b: [1030, 9], perColumn: true, bias: false },
    { a: [1, 255], b: [255, 50], perColumn: true, bias: true, zb: true },
    { a: [2, 96], b: [96, 48], perColumn: false, bias: true },
  ];
  for (const [i, t] of cases.entries()) {
    it(`a [${t.a}] · b [${t.b}], ${t.perColumn ? 'per-column' : 'per-tensor'} scale${t.bias ? ', bias' : ''}`, async () => {
      const r = rng(2100 + i);
      const N = t.b[1];
      const inputs: (KernelInput | undefined)[] = [
        { tensor: randomTensor('uint8', t.a, r, 0, 255) },
        { tensor: randomTensor('int8', t.b, r, -128, 127), constant: true },
        { tensor: randomTensor('float32', t.perColumn ? [N] : [], r, 1e-5, 1e-3) },
        { tensor: makeTensor('uint8', [], [117]) },
        t.zb ? { tensor: randomTensor('int8', [N], r, -20, 20), constant: true } : undefined,
        t.bias ? { tensor: randomTensor('float32', [N], r, -2, 2), constant: true } : undefined,
      ];
      const { actual, expected } = await runKernel('ScaledMatMulInteger', inputs);
      const c = compareTensors(actual[0]!, expected[0]!, 0, 0);
      expect(c.ok, c.message).toBe(true);
    });
  }
});

// The requantizing epilogue (QLinearMatMul, what lower-qdq writes for QDQ MatMul / Gemm): 8-bit
// outputs spread over the whole range, some saturated, per-tensor and per-column scales.
describe('QLinearMatMul integer kernel vs reference', () => {
  const cases: { a: number[]; b: [number, number]; at: DType; bt: DType; yt: DType; perColumn: boolean; bias: boolean; zb?: boolean }[] = [
    { a: [128, 256], b: [256, 40], at: 'uint8', bt: 'int8', yt: 'uint8', perColumn: true, bias: true },
    { a: [3, 11, 45], b: [45, 13], at: 'int8', bt: 'int8', yt: 'int8', perColumn: false, bias: false },
    { a: [21, 300], b: [300, 7], at: 'uint8', bt: 'uint8', yt: 'int8', perColumn: true, bias: true, zb: true },
    // The classifier's shape: one row (GEMV), 1000 columns (62 blocks of 16 and 8 more).
    { a: [1, 1280], b: [1280, 1000], at: 'uint8', bt: 'int8', yt: 'uint8', perColumn: true, bias: true },
    { a: [3, 33], b: [33, 21], at: 'int8', bt: 'uint8', yt: 'int8', perColumn: false, bias: false, zb: true },
  ];
  for (const [i, t] of cases.entries()) {
    it(`a [${t.a}] ${t.at} · b [${t.b}] ${t.bt} → ${t.yt}`, async () => {
      const r = rng(2200 + i);
      const range = (d: DType): [number, number] => (d === 'int8' ? [-128, 127] : [0, 255]);
      const [K, N] = t.b;
      const ns = t.perColumn ? [N] : [];
      const inputs: (KernelInput | undefined)[] = [
        { tensor: randomTensor(t.at, t.a, r, ...range(t.at)) },
        { tensor: makeTensor('float32', [], [0.02]), constant: true },
        { tensor: makeTensor(t.at, [], [t.at === 'int8' ? -3 : 131]), constant: true },
        { tensor: randomTensor(t.bt, t.b, r, ...range(t.bt)), constant: true },
        { tensor: randomTensor('float32', ns, r, 0.001, 0.01), constant: true },
        t.zb ? { tensor: randomTensor(t.bt, ns, r, 100, 150), constant: true } : { tensor: makeTensor(t.bt, ns, new Array(t.perColumn ? N : 1).fill(0)), constant: true },
        { tensor: makeTensor('float32', [], [0.02 * 0.005 * Math.sqrt(K) * 40]), constant: true },
        { tensor: makeTensor(t.yt, [], [t.yt === 'int8' ? 5 : 120]), constant: true },
        t.bias ? { tensor: randomTensor('int32', [N], r, -20000, 20000), constant: true } : undefined,
      ];
      const { actual, expected } = await runKernel('QLinearMatMul', inputs);
      const c = compareTensors(actual[0]!, expected[0]!);
      expect(c.ok, c.message).toBe(true);
      expect(new Set(Array.from(expected[0]!.data as ArrayLike<number>)).size).toBeGreaterThan(20);
    });
  }
});
