import { describe, expect, it } from 'vitest';
import { runKernel } from '../../testing/kernel-harness.js';

describe('Dims kernel vs reference', () => {
  it('is a constant vector in a model without run-time dims', async () => {
    const { actual, expected } = await runKernel('Dims', [], { dims: [3, 1, 17] });
    expect(Array.from(actual[0]!.data as BigInt64Array, Number)).toEqual([3, 1, 17]);
    expect(actual[0]!.data).toEqual(expected[0]!.data);
  });
});
