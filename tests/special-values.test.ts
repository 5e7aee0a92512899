// One semantics for every op (issue #19): each op below runs over the special float values (±Inf,
// NaN, ±0, denormals, values that overflow exp or int32) through the run-time kernel, through
// constant folding (the IR's reference evaluate) and through onnxruntime-node, and all three agree
// (exact ops bit for bit, transcendental ones within 1e-5 relative; NaN, ±Inf always). Ops not
// listed here still disagree somewhere on special values; docs/operators.md lists which and how.
import { describe, expect, it } from 'vitest';
import { foldCase, runFoldCase } from '../scripts/fuzz/fold-compare.js';
import { SPECIAL_VALUES } from '../scripts/fuzz/hostile-models.js';

const AGREEING = [
  'Neg', 'Abs', 'Floor', 'Ceil', 'Round', 'Identity',
  'Exp', 'Log', 'Sqrt', 'Sigmoid', 'Tanh', 'Erf', 'Reciprocal', 'Softplus',
  'Add', 'Sub', 'Mul', 'Div', 'Softmax', 'CastInt32',
];

/** The special values in windows of 8, each window also reversed: every value meets every op. */
function windows(): Float32Array[] {
  const v = SPECIAL_VALUES, out: Float32Array[] = [];
  for (let s = 0; s < v.length; s += 4) {
    const w = Float32Array.from({ length: 8 }, (_, i) => v[(s + i) % v.length]!);
    out.push(w, Float32Array.from(w).reverse());
  }
  return out;
}

describe('special values: run-time kernels, constant folding and onnxruntime agree', () => {
  for (const op of AGREEING) {
    it(op, async () => {
      const problems: string[] = [];
      for (const x of windows()) {
        const r = await runFoldCase(foldCase(op, x));
        if (r.error) problems.push(`compile failed: ${r.error}`);
        if (r.finding) problems.push(`[${Array.from(x)}]: ${r.finding}`);
      }
      expect(problems).toEqual([]);
    }, 60_000);
  }

  it('Exp overflows to Inf and underflows through the denormals to 0; Softmax of [-Inf, 0] is [0, 1]', async () => {
    const x = Float32Array.from([89, Infinity, -104, -Infinity, -88, 88.7, -100, 0]);
    expect((await runFoldCase(foldCase('Exp', x))).finding).toBeUndefined();
    const s = Float32Array.from([-Infinity, 0, -Infinity, -Infinity, 1, -Infinity, 2, 3]);
    expect((await runFoldCase(foldCase('Softmax', s))).finding).toBeUndefined();
  });

  it('Cast float→int32 of [3e9, NaN, -3e9, Inf] gives INT_MIN for all four, as onnxruntime does', async () => {
    const x = Float32Array.from([3e9, NaN, -3e9, Infinity, -Infinity, 2147483520, -2.5, 2.5]);
    expect((await runFoldCase(foldCase('CastInt32', x))).finding).toBeUndefined();
  });
});
