import { describe, expect, it } from 'vitest';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

describe('Resize kernel vs reference', () => {
  const cases: { x: number[]; sizes: number[]; attrs: Record<string, string | number | number[]> }[] = [
    { x: [1, 1, 2, 3], sizes: [1, 1, 4, 7], attrs: { mode: 'nearest' } },
    { x: [2, 3, 5, 4], sizes: [2, 3, 3, 9], attrs: { mode: 'nearest', nearest_mode: 'ceil', coordinate_transformation_mode: 'asymmetric' } },
    { x: [1, 2, 7, 5], sizes: [1, 2, 17, 3], attrs: { mode: 'linear' } },
    { x: [1, 1, 4, 4], sizes: [1, 1, 3, 7], attrs: { mode: 'linear', coordinate_transformation_mode: 'align_corners' } },
    { x: [1, 1, 6, 6], sizes: [1, 1, 9, 4], attrs: { mode: 'cubic', exclude_outside: 1, cubic_coeff_a: -0.5 } },
    { x: [1, 3, 8, 7], sizes: [1, 3, 3, 2], attrs: { mode: 'cubic', antialias: 1 } },
    { x: [2, 17], sizes: [2, 5], attrs: { mode: 'linear', antialias: 1, coordinate_transformation_mode: 'pytorch_half_pixel' } },
    { x: [1, 1, 4, 4], sizes: [1, 1, 3, 3], attrs: { mode: 'linear', coordinate_transformation_mode: 'tf_crop_and_resize', roi: [0, 0, 0.4, 0.6, 1, 1, 1.2, 0.8], extrapolation_value: 10 } },
    { x: [3, 1, 7], sizes: [3, 1, 7], attrs: { mode: 'linear' } },
  ];
  // Every attribute explicit (the importer writes them all); a case overrides some.
  const base = { coordinate_transformation_mode: 'half_pixel', nearest_mode: 'round_prefer_floor', antialias: 0, cubic_coeff_a: -0.75, exclude_outside: 0, extrapolation_value: 0 };
  for (const t of cases) {
    it(`[${t.x}] → [${t.sizes}] ${JSON.stringify(t.attrs)}`, async () => {
      const r = rng(t.sizes.reduce((a, b) => a * 7 + b, 5));
      const scales = t.sizes.map((s, a) => s / t.x[a]!);
      const { actual, expected } = await runKernel('Resize', [{ tensor: randomTensor('float32', t.x, r, -2, 2) }], { ...base, sizes: t.sizes, scales, ...t.attrs });
      const c = compareTensors(actual[0]!, expected[0]!, 1e-5, 1e-6);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
