import { describe, it } from 'vitest';
import { DType, Dim, makeTensor } from '@onnx2wasm/ir';
import { checkDynamicKernel } from '../../testing/dynamic-harness.js';
import { RUN_SIZES, concrete } from '../emit/movement-test-util.js';

async function check(shape: Dim[], repeats: number[], dtype: DType = 'float32') {
  const runs = RUN_SIZES.map((sz) => [concrete(dtype, shape, sz)]);
  const reps = { dtype: 'int64' as const, shape: [repeats.length], constant: makeTensor('int64', [repeats.length], repeats) };
  await checkDynamicKernel('Tile', [{ dtype, shape }, reps], {}, runs, { rtol: 0, atol: 0 });
}

describe('Tile with run-time dims', () => {
  it('repeats a run-time axis and a static one', () => check(['s', 3], [2, 3]));
  it('repeats [b, s, 4] once along run-time axes', () => check(['b', 's', 4], [1, 1, 3], 'int64'));
  it('repeats a run-time inner axis', () => check([2, 's'], [2, 3], 'uint8'));
});
