import { describe, expect, it } from 'vitest';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

describe('GridSample kernel vs reference', () => {
  const shapes: { x: number[]; out: number[] }[] = [
    { x: [1, 1, 4, 4], out: [3, 5] },
    { x: [2, 3, 7, 3], out: [1, 17] },
    { x: [1, 2, 3, 2, 5], out: [2, 3, 1] },
    { x: [1, 1, 1, 3], out: [2, 2] },
  ];
  const modes = ['nearest', 'linear', 'cubic'];
  const paddings = ['zeros', 'border', 'reflection'];
  shapes.forEach((s, si) => modes.forEach((mode) => paddings.forEach((padding, pi) => {
    if (s.x.length === 5 && mode === 'cubic') return;
    const align = (si + pi) % 2;
    it(`X [${s.x}] → [${s.out}] ${mode} ${padding} align_corners ${align}`, async () => {
      const r = rng(si * 100 + pi * 10 + mode.length);
      const R = s.x.length - 2;
      // Coordinates reach a little past [-1, 1] so that every padding mode is exercised.
      const grid = randomTensor('float32', [s.x[0]!, ...s.out, R], r, -1.4, 1.4);
      const { actual, expected } = await runKernel('GridSample', [{ tensor: randomTensor('float32', s.x, r) }, { tensor: grid }], { mode, padding_mode: padding, align_corners: align });
      const c = compareTensors(actual[0]!, expected[0]!, 1e-4, 1e-5);
      expect(c.ok, c.message).toBe(true);
    });
  })));
});
