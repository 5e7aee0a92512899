import { describe, it } from 'vitest';
import { DType, Dim, makeTensor } from '@onnx2wasm/ir';
import { checkDynamicKernel } from '../../testing/dynamic-harness.js';
import { randomTensor, rng } from '../../testing/kernel-harness.js';

const r = rng(5);
const BIG = 2 ** 62;
const ints = (v: number[]) => ({ dtype: 'int64' as const, shape: [v.length], constant: makeTensor('int64', [v.length], v) });

/** Compiles Slice once over `shape` (symbols s, b) and runs it for each (s, b). */
async function check(shape: Dim[], starts: number[], ends: number[], axes: number[], steps: number[] | undefined, sizes: [number, number][], dtype: DType = 'float32') {
  const runs = sizes.map(([s, b]) => [randomTensor(dtype, shape.map((d) => (d === 's' ? s : d === 'b' ? b : (d as number))), r, -100, 100)]);
  const params = [ints(starts), ints(ends), ints(axes), ...(steps ? [ints(steps)] : [])];
  await checkDynamicKernel('Slice', [{ dtype, shape }, ...params], {}, runs, { rtol: 0, atol: 0 });
}

const SIZES: [number, number][] = [[1, 1], [7, 3], [33, 2], [64, 8], [3, 7], [1, 33]];

describe('Slice with run-time dims', () => {
  for (const [from, to] of [[0, 256], [256, 512], [512, 768]]) {
    it(`takes [.., ${from}:${to}] of [s, b, 768] (row copies)`, () => check(['s', 'b', 768], [from], [to], [-1], undefined, SIZES));
  }
  it('slices a static middle axis with a step', () => check(['b', 17, 's'], [1], [15], [1], [3], SIZES, 'int64'));
  it('slices a static axis backwards', () => check(['s', 9], [7], [-BIG], [1], [-2], SIZES, 'uint8'));
  it('drops the first row of a run-time axis (start 1 to the end)', () => check(['s', 'b', 5], [1], [BIG], [0], undefined, SIZES.filter(([s]) => s > 1)));
  it('takes the last 3 rows of a run-time axis and a static range', () => check(['b', 's', 6], [-3, 2], [BIG, 5], [1, 2], undefined, SIZES.filter(([s]) => s >= 3)));
});
