// The vectorized erf (math.ts: a rational fit, no exp) over a dense sweep and the special values,
// against erf in float64 (its Taylor series: exact to ~1e-10 for |x| ≤ 4, beyond which erf is ±1
// within 1.6e-8); and GELU in a MatMul epilogue, which is where transformers use it.
import { describe, expect, it } from 'vitest';
import { compareTensors, runKernel } from '../../testing/kernel-harness.js';

function erf64(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (Math.abs(x) > 4) return Math.sign(x);
  let term = x, sum = x;
  for (let n = 1; n < 120 && Math.abs(term) > 1e-20; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

const sweep = [
  ...Array.from({ length: 16001 }, (_, i) => -8 + i / 1000),
  0, -0, 1e-30, -1e-30, 1e-7, 3.925, -3.925, 4.5, 30, -30, 3e38, Infinity, -Infinity, NaN,
];

describe('Erf (rational fit)', () => {
  it('is within 4e-7 of erf over [-8, 8] and keeps ±0, ±Infinity and NaN', async () => {
    const x = Float32Array.from(sweep);
    const { actual } = await runKernel('Erf', [{ tensor: { dtype: 'float32', dims: [x.length], data: x } }]);
    const y = actual[0]!.data as Float32Array;
    let worst = 0;
    for (let i = 0; i < x.length; i++) {
      const want = erf64(x[i]!);
      if (Number.isNaN(want)) { expect(y[i], `erf(${x[i]})`).toBeNaN(); continue; }
      worst = Math.max(worst, Math.abs(y[i]! - want));
      expect(Math.abs(y[i]!), `|erf(${x[i]})|`).toBeLessThanOrEqual(1);
    }
    expect(worst).toBeLessThan(4e-7);
    expect(y[x.indexOf(Infinity)]).toBe(1);
    expect(y[x.indexOf(-Infinity)]).toBe(-1);
    expect(y[16001]).toBe(0);
  });
});

describe('GELU in a MatMul epilogue', () => {
  it('matches MatMul then x/2 (1 + erf(x/√2)) in float64', async () => {
    const M = 5, K = 33, N = 70;
    const a = Float32Array.from({ length: M * K }, (_, i) => Math.sin(i * 0.7) * 0.8);
    const b = Float32Array.from({ length: K * N }, (_, i) => Math.cos(i * 0.3) * 0.4);
    const { actual } = await runKernel('MatMul', [
      { tensor: { dtype: 'float32', dims: [M, K], data: a } },
      { tensor: { dtype: 'float32', dims: [K, N], data: b }, constant: true },
    ], { activation: 'gelu' });
    const want = new Float32Array(M * N);
    for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a[m * K + k]! * b[k * N + n]!;
      want[m * N + n] = 0.5 * s * (1 + erf64(s / Math.SQRT2));
    }
    const c = compareTensors(actual[0]!, { dtype: 'float32', dims: [M, N], data: want }, 1e-5, 2e-6);
    expect(c.ok, c.message).toBe(true);
  });
});
