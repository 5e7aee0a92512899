import { describe, expect, it } from 'vitest';
import { DType } from '@onnx2wasm/ir';
import { KernelInput, compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

describe('QuantizeLinear / DequantizeLinear kernels vs reference', () => {
  // special: every 5th x is NaN, ±Inf or ±1e30 (saturating; NaN to the low end, as onnxruntime).
  const cases: { x: number[]; scale: number[]; q: DType; zp?: boolean; axis?: number; block?: number; special?: boolean }[] = [
    { x: [7], scale: [], q: 'uint8', zp: true },
    { x: [1, 3, 3, 2], scale: [3], q: 'int8', zp: true },
    { x: [3, 17], scale: [3, 9], q: 'uint16', axis: 1, block: 2, zp: true },
    { x: [4, 5, 3], scale: [4, 3, 3], q: 'int16', axis: 1, block: 2 },
    { x: [2, 7], scale: [7], q: 'uint8', axis: -1 },
    // Per tensor, 16-element vectors, a 4-element step and a scalar tail (3·37 = 96 + 12 + 3).
    { x: [3, 37], scale: [], q: 'int8', zp: true, special: true },
    { x: [3, 37], scale: [], q: 'uint8', zp: true, special: true },
    { x: [3, 37], scale: [], q: 'int8' },
  ];
  for (const t of cases) {
    it(`[${t.x}] scale [${t.scale}] ${t.q}${t.block ? ` block ${t.block}` : ''}`, async () => {
      const r = rng(t.x.reduce((a, b) => a * 7 + b, t.scale.length));
      const [lo, hi] = t.q === 'uint8' ? [0, 255] : t.q === 'int8' ? [-128, 127] : t.q === 'int16' ? [-32768, 32767] : [0, 65535];
      const scale = randomTensor('float32', t.scale, r, 0.01, 0.5);
      const zp = t.zp ? randomTensor(t.q, t.scale, r, lo / 4 + hi / 4, hi / 2) : undefined;
      const attrs = { axis: t.axis ?? 1, block_size: t.block ?? 0 };
      const x = randomTensor('float32', t.x, r, -40, 40);
      if (t.special) (x.data as Float32Array).forEach((_, i, d) => { if (i % 5 === 0) d[i] = [NaN, Infinity, -Infinity, 1e30, -1e30][(i / 5) % 5]!; });
      const q: (KernelInput | undefined)[] = [{ tensor: x }, { tensor: scale }, zp && { tensor: zp }];
      const quantized = await runKernel('QuantizeLinear', q, { ...attrs, to: t.q });
      const cq = compareTensors(quantized.actual[0]!, quantized.expected[0]!);
      expect(cq.ok, `quantize: ${cq.message}`).toBe(true);
      const dq = await runKernel('DequantizeLinear', [{ tensor: quantized.expected[0]! }, { tensor: scale }, zp && { tensor: zp }], attrs);
      const cd = compareTensors(dq.actual[0]!, dq.expected[0]!, 1e-6, 1e-6);
      expect(cd.ok, `dequantize: ${cd.message}`).toBe(true);
    });
  }
});
