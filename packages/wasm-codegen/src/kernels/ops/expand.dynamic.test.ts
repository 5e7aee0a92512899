import { describe, it } from 'vitest';
import { DType, Dim, makeTensor } from '@onnx2wasm/ir';
import { checkDynamicKernel } from '../../testing/dynamic-harness.js';
import { RUN_SIZES, concrete } from '../emit/movement-test-util.js';

async function check(shape: Dim[], to: number[], dtype: DType = 'float32') {
  const runs = RUN_SIZES.map((sz) => [concrete(dtype, shape, sz)]);
  const target = { dtype: 'int64' as const, shape: [to.length], constant: makeTensor('int64', [to.length], to) };
  await checkDynamicKernel('Expand', [{ dtype, shape }, target], {}, runs, { rtol: 0, atol: 0 });
}

describe('Expand with run-time dims', () => {
  it('broadcasts static dims around a run-time one', () => check(['s', 1, 5], [1, 3, 5]));
  it('adds leading dims and broadcasts the last one', () => check(['b', 's', 1], [2, 1, 1, 7], 'int64'));
  it('copies contiguous runs of a run-time inner dim', () => check([1, 's'], [3, 1], 'uint8'));
});
