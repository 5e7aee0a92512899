import { describe, expect, it } from 'vitest';
import { DType, makeTensor } from '@onnx2wasm/ir';
import { KernelInput, compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

describe('NegativeLogLikelihoodLoss kernel vs reference', () => {
  const cases: { x: number[]; reduction: string; weight?: boolean; ignore?: number; tdtype?: DType }[] = [
    { x: [3, 5], reduction: 'none' },
    { x: [7, 3, 2], reduction: 'mean', weight: true },
    { x: [2, 17, 3, 1], reduction: 'sum', ignore: 1, tdtype: 'int32' },
    { x: [1, 4, 7], reduction: 'mean', ignore: -1, weight: true },
    { x: [3, 2, 5], reduction: 'none', ignore: 0, weight: true, tdtype: 'int32' },
  ];
  for (const t of cases) {
    it(`[${t.x}] ${t.reduction}${t.weight ? ' weighted' : ''}${t.ignore !== undefined ? ` ignore ${t.ignore}` : ''}`, async () => {
      const r = rng(t.x.reduce((a, b) => a * 5 + b, 1));
      const C = t.x[1]!;
      const tdims = [t.x[0]!, ...t.x.slice(2)];
      const targets = Array.from({ length: tdims.reduce((a, b) => a * b, 1) }, (_, i) => (t.ignore !== undefined && i % 3 === 0 ? t.ignore : Math.floor(r() * C)));
      const inputs: KernelInput[] = [
        { tensor: randomTensor('float32', t.x, r, -3, 0) },
        { tensor: makeTensor(t.tdtype ?? 'int64', tdims, targets) },
      ];
      if (t.weight) inputs.push({ tensor: randomTensor('float32', [C], r, 0.1, 2) });
      const attrs: Record<string, string | number> = { reduction: t.reduction };
      if (t.ignore !== undefined) attrs.ignore_index = t.ignore;
      const { actual, expected } = await runKernel('NegativeLogLikelihoodLoss', inputs, attrs);
      const c = compareTensors(actual[0]!, expected[0]!, 1e-5, 1e-6);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
