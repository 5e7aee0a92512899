import { describe, it } from 'vitest';
import { DType, Dim } from '@onnx2wasm/ir';
import { checkDynamicKernel } from '../../testing/dynamic-harness.js';
import { randomTensor, rng } from '../../testing/kernel-harness.js';

const r = rng(11);
const SIZES = [1, 7, 33, 3, 64, 2];

/** Compiles Transpose once over `shape` (symbols s, b) and runs it for each (s, b) of `sizes`. */
async function check(shape: Dim[], perm: number[], sizes: [number, number][], dtype: DType = 'float32') {
  const runs = sizes.map(([s, b]) => [randomTensor(dtype, shape.map((d) => (d === 's' ? s : d === 'b' ? b : d === 'c' ? 4 * b : (d as number))), r, -100, 100)]);
  await checkDynamicKernel('Transpose', [{ dtype, shape }], { perm }, runs, { rtol: 0, atol: 0 });
}

describe('Transpose with run-time dims', () => {
  const pairs = SIZES.map((s, i) => [s, SIZES[(i + 2) % SIZES.length]!] as [number, number]);
  it('swaps the two leading run-time dims of [s, b, 256] (row copies)', () => check(['s', 'b', 256], [1, 0, 2], pairs));
  it('swaps [s, c, 64] (row copies)', () => check(['s', 'c', 64], [1, 0, 2], pairs));
  it('transposes [s, b] in 4×4 tiles with run-time edges', () => check(['s', 'b'], [1, 0], pairs));
  it('moves a static last axis in front of run-time ones (tiles with a static row)', () => check(['s', 3, 17], [2, 0, 1], pairs));
  it('permutes [b, s, 5, 3] with int64 elements (element copies)', () => check(['b', 's', 5, 3], [3, 1, 0, 2], pairs, 'int64'));
  it('permutes uint8 [s, 7, b]', () => check(['s', 7, 'b'], [2, 0, 1], pairs, 'uint8'));
  it('zips two rows of run-time length into pairs ([s, 2, b] → [s, b, 2])', () => check(['s', 2, 'b'], [0, 2, 1], pairs));
  it('keeps the order of [1, s, b] with perm [0, 1, 2] (one copy)', () => check([1, 's', 'b'], [0, 1, 2], pairs));
});
