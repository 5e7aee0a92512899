import { describe, expect, it } from 'vitest';
import { Attrs, makeTensor } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

// Rois straddle the borders and include a degenerate (zero-size) one.
const rois = makeTensor('float32', [4, 4], [0, 0, 9, 9, 2.5, 1, 6.2, 8.9, -3, -2, 4, 3, 5, 5, 5, 5]);
const batch = makeTensor('int64', [4], [0, 1, 1, 0]);

describe('RoiAlign kernel vs reference', () => {
  const cases: Attrs[] = [
    { mode: 'avg', output_height: 3, output_width: 4, sampling_ratio: 2, spatial_scale: 1, half_pixel: 1 },
    { mode: 'avg', output_height: 5, output_width: 5, sampling_ratio: 0, spatial_scale: 0.5, half_pixel: 0 },
    { mode: 'max', output_height: 2, output_width: 3, sampling_ratio: 0, spatial_scale: 1, half_pixel: 1 },
    { mode: 'max', output_height: 1, output_width: 7, sampling_ratio: 3, spatial_scale: 0.7, half_pixel: 0 },
  ];
  cases.forEach((attrs, n) => {
    it(JSON.stringify(attrs), async () => {
      const x = randomTensor('float32', [2, 3, 7, 11], rng(400 + n));
      const { actual, expected } = await runKernel('RoiAlign', [{ tensor: x }, { tensor: rois }, { tensor: batch }], attrs);
      const c = compareTensors(actual[0]!, expected[0]!, 1e-5, 1e-6);
      expect(c.ok, c.message).toBe(true);
    });
  });
});
