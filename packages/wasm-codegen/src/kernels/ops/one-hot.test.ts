import { describe, expect, it } from 'vitest';
import { DType, makeTensor, sizeOf } from '@onnx2wasm/ir';
import { compareTensors, rng, runKernel } from '../../testing/kernel-harness.js';

describe('OneHot kernel vs reference', () => {
  // Indices spread over [-depth - 2, depth + 2) so that out-of-range ones (all-off rows) occur.
  const cases: { idx: number[]; it: DType; depth: number; axis?: number; vt?: DType }[] = [
    { idx: [3], it: 'int64', depth: 10, axis: 1 },
    { idx: [2, 2], it: 'float32', depth: 10, axis: 1 },
    { idx: [2, 2], it: 'float32', depth: 10, axis: -2 },
    { idx: [3], it: 'int64', depth: 12, vt: 'int32' },
    { idx: [7, 3], it: 'int32', depth: 17, axis: 0, vt: 'uint8' },
    { idx: [3, 17], it: 'uint8', depth: 7, vt: 'float16' },
    { idx: [1, 7], it: 'int64', depth: 3, axis: 1, vt: 'int64' },
  ];
  for (const t of cases) {
    it(`${t.it}[${t.idx}] depth ${t.depth} axis ${t.axis ?? -1} → ${t.vt ?? 'float32'}`, async () => {
      const r = rng(t.depth * 3 + t.idx.length);
      const lo = t.it === 'uint8' ? 0 : -t.depth - 2;
      const idx = makeTensor(t.it, t.idx, Array.from({ length: sizeOf(t.idx) }, () => Math.floor(lo + r() * (t.depth + 2 - lo))));
      const depth = { tensor: makeTensor('float32', [], [t.depth]), constant: true };
      const values = { tensor: makeTensor(t.vt ?? 'float32', [2], [2, 5]) };
      const { actual, expected } = await runKernel('OneHot', [{ tensor: idx }, depth, values], { axis: t.axis ?? -1 });
      const c = compareTensors(actual[0]!, expected[0]!, 0, 0);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
