import { describe, expect, it } from 'vitest';
import { makeTensor } from '@onnx2wasm/ir';
import { checkDynamicKernel } from '../../testing/dynamic-harness.js';
import { SIZES, feeds } from '../../testing/dynamic-runs.js';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

// The DynamicQuantizeLinear kernel byte for byte against the IR reference: lengths that are not
// multiples of 4 or 16, ranges on both sides of 0, only positive, only negative, all zero (scale
// 0), and values that land on .5 ties of x / scale.
describe('DynamicQuantizeLinear kernel vs reference', () => {
  const cases: { dims: number[]; lo: number; hi: number }[] = [
    { dims: [128, 256], lo: -3, hi: 5 },
    { dims: [3, 7], lo: 0.5, hi: 2 },
    { dims: [37], lo: -4, hi: -1 },
    { dims: [2, 3, 19], lo: -0.01, hi: 100 },
    { dims: [1], lo: -1, hi: 1 },
  ];
  for (const [i, t] of cases.entries()) {
    it(`[${t.dims}] in [${t.lo}, ${t.hi}]`, async () => {
      const x = randomTensor('float32', t.dims, rng(3000 + i), t.lo, t.hi);
      const { actual, expected } = await runKernel('DynamicQuantizeLinear', [{ tensor: x }], {}, { outputs: 3 });
      for (let k = 0; k < 3; k++) {
        const c = compareTensors(actual[k]!, expected[k]!, 0, 0);
        expect(c.ok, `output ${k}: ${c.message}`).toBe(true);
      }
      if (x.data.length > 1000) expect(new Set(Array.from(expected[0]!.data as Uint8Array)).size).toBeGreaterThan(200);
    });
  }
  it('all zero: scale 0, zero point 0, y 0', async () => {
    const { actual, expected } = await runKernel('DynamicQuantizeLinear', [{ tensor: makeTensor('float32', [21], new Array(21).fill(0)) }], {}, { outputs: 3 });
    expect(Array.from(expected[1]!.data as Float32Array)).toEqual([0]);
    for (let k = 0; k < 3; k++) expect(compareTensors(actual[k]!, expected[k]!, 0, 0).ok).toBe(true);
  });
  it('.5 ties of x / scale round half to even', async () => {
    // Range [0, 255]: scale 1, so x = k + 0.5 are exact ties.
    const vals = [0, 255, ...Array.from({ length: 40 }, (_, k) => k + 0.5)];
    const { actual, expected } = await runKernel('DynamicQuantizeLinear', [{ tensor: makeTensor('float32', [vals.length], vals) }], {}, { outputs: 3 });
    expect(Number(expected[1]!.data[0])).toBe(1);
    for (let k = 0; k < 3; k++) expect(compareTensors(actual[k]!, expected[k]!, 0, 0).ok).toBe(true);
  });
});

describe('DynamicQuantizeLinear with run-time dims', () => {
  it('one build, lengths that do and do not fill 16-byte stores', async () => {
    const r = rng(24);
    const ENVS = SIZES.map((n, i) => ({ N: n, M: SIZES[(i + 2) % SIZES.length]! }));
    const inputs = [{ dtype: 'float32' as const, shape: ['N', 'M', 5], lo: -3, hi: 7 }];
    await checkDynamicKernel('DynamicQuantizeLinear', inputs, {}, feeds(inputs, ENVS, r), { outputs: 3, rtol: 0, atol: 0 });
  });
});
