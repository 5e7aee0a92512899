import { describe, expect, it } from 'vitest';
import { Attrs, DType, Tensor, decodeElement, hasSaturate, makeTensor } from '@onnx2wasm/ir';
import { randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

const LOW: DType[] = ['bfloat16', 'float8e4m3fn', 'float8e4m3fnuz', 'float8e5m2', 'float8e5m2fnuz', 'float4e2m1', 'int4', 'uint4', 'int2', 'uint2', 'float8e8m0'];
const FLOAT8: DType[] = ['float8e4m3fn', 'float8e4m3fnuz', 'float8e5m2', 'float8e5m2fnuz'];

/** Specials, ties, extremes and subnormals of every format, then random values. */
function probe(n: number, seed: number): Tensor {
  const special = [NaN, Infinity, -Infinity, 0, -0, 448, 464, 465, 480, -500, 57344, 61440, 65536, 240, 0.25, 0.75, 2.5, 5, 7,
    2 ** -9, 2 ** -10, 3 * 2 ** -11, 2 ** -16, 2 ** -17, 1e-30, 1.0625, 1.1875, 3e38, -8.5, 15.5, 1 + 2 ** -8, 1 + 3 * 2 ** -8];
  const x = randomTensor('float32', [n], rng(seed), -600, 600);
  special.forEach((v, i) => { if (i < n) (x.data as Float32Array)[i] = v; });
  return x;
}

/** Equal when both decode to the same value (any NaN equals any NaN; zeros keep their sign). */
function sameValues(a: Tensor, e: Tensor): string | undefined {
  for (let i = 0; i < e.data.length; i++) {
    const x = decodeElement(a.dtype, Number(a.data[i])), y = decodeElement(e.dtype, Number(e.data[i]));
    if (!(Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)))) return `element ${i}: got ${x}, expected ${y}`;
  }
  return undefined;
}

/** A Cast's attributes as the importer writes them: `saturate` (and float8e8m0's `round_mode`) where the target has them. */
const castTo = (to: DType): Attrs => ({ to, ...(hasSaturate(to) ? { saturate: 1 } : {}), ...(to === 'float8e8m0' ? { round_mode: 'up' } : {}) });

describe('low-precision Cast kernels vs reference', () => {
  for (const to of LOW) {
    for (const n of [1, 3, 7, 17, 40]) {
      it(`float32 -> ${to} -> float32 [${n}]`, async () => {
        const x = probe(n, n + to.length);
        const down = await runKernel('Cast', [{ tensor: x }], castTo(to));
        expect(down.actual[0]!.dtype).toBe(to);
        expect(sameValues(down.actual[0]!, down.expected[0]!)).toBeUndefined();
        const up = await runKernel('Cast', [{ tensor: down.expected[0]! }], { to: 'float32' });
        expect(sameValues(up.actual[0]!, up.expected[0]!)).toBeUndefined();
      });
    }
  }
  for (const to of FLOAT8) {
    it(`float32 -> ${to} without saturation, and from float16 / int32 sources`, async () => {
      const down = await runKernel('Cast', [{ tensor: probe(40, 5) }], { ...castTo(to), saturate: 0 });
      expect(sameValues(down.actual[0]!, down.expected[0]!)).toBeUndefined();
      const half = makeTensor('float16', [7], [0.5, -3, 60000, -0, 1e-5, 300, 17]);
      const fromHalf = await runKernel('Cast', [{ tensor: half }], castTo(to));
      expect(sameValues(fromHalf.actual[0]!, fromHalf.expected[0]!)).toBeUndefined();
      const ints = await runKernel('Cast', [{ tensor: makeTensor('int32', [3], [-1000, 3, 17]) }], castTo(to));
      expect(sameValues(ints.actual[0]!, ints.expected[0]!)).toBeUndefined();
    });
  }
  for (const round_mode of ['up', 'down', 'nearest']) {
    for (const saturate of [0, 1]) {
      it(`float32 -> float8e8m0 round_mode ${round_mode}, saturate ${saturate}`, async () => {
        const r = await runKernel('Cast', [{ tensor: probe(40, 9) }], { to: 'float8e8m0', round_mode, saturate });
        expect(sameValues(r.actual[0]!, r.expected[0]!)).toBeUndefined();
      });
    }
  }
  it('int4/int2 wrap integer sources and truncate floats, like the wider integers', async () => {
    for (const to of ['int4', 'uint4', 'int2', 'uint2'] as DType[]) {
      const ints = makeTensor('int64', [7], [-9, -8, 7, 8, 15, 16, 1000]);
      const r = await runKernel('Cast', [{ tensor: ints }], castTo(to));
      expect(Array.from(r.actual[0]!.data)).toEqual(Array.from(r.expected[0]!.data));
    }
  });
});

describe('QuantizeLinear / DequantizeLinear to low-precision types', () => {
  for (const to of ['int4', 'uint2', 'float8e4m3fn', 'float8e5m2', 'float4e2m1'] as DType[]) {
    for (const n of [1, 7, 17]) {
      it(`${to} per axis [${n}, 3]`, async () => {
        const x = randomTensor('float32', [n, 3], rng(n), -20, 20);
        const scale = { tensor: makeTensor('float32', [3], [0.5, 2, 3]) };
        const zp = { tensor: makeTensor(to, [3], to.startsWith('float') ? [0, 0, 0] : [1, 0, 1]) };
        const q = await runKernel('QuantizeLinear', [{ tensor: x }, scale, zp], { axis: 1, block_size: 0, to, saturate: 1 });
        expect(sameValues(q.actual[0]!, q.expected[0]!)).toBeUndefined();
        const d = await runKernel('DequantizeLinear', [{ tensor: q.expected[0]! }, scale, zp], { axis: 1, block_size: 0 });
        expect(sameValues(d.actual[0]!, d.expected[0]!)).toBeUndefined();
      });
    }
  }
});
