import { describe, expect, it } from 'vitest';
import { DType, Dim, makeTensor } from '@onnx2wasm/ir';
import { checkDynamicKernel } from '../../testing/dynamic-harness.js';
import { RUN_SIZES, concrete } from '../emit/movement-test-util.js';

/** Valid indices in [-dim, dim) for each of `count` entries. */
const indices = (dtype: 'int32' | 'int64', count: number, dim: number) =>
  makeTensor(dtype, [count], Array.from({ length: count }, (_, k) => ((k * 7 + 3) % (2 * dim)) - dim));

describe('Gather with run-time dims', () => {
  it('gathers rows of a run-time axis with run-time int64 indices', async () => {
    const runs = RUN_SIZES.map((sz) => [concrete('float32', ['s', 5], sz), indices('int64', sz[1], sz[0])]);
    await checkDynamicKernel('Gather', [{ dtype: 'float32', shape: ['s', 5] }, { dtype: 'int64', shape: ['b'] }], { axis: 0 }, runs, { rtol: 0, atol: 0 });
  });
  it('gathers along a static axis under run-time outer and inner dims (int32 indices)', async () => {
    const runs = RUN_SIZES.map((sz) => [concrete('int64', ['b', 7, 's'], sz), indices('int32', 4, 7)]);
    await checkDynamicKernel('Gather', [{ dtype: 'int64', shape: ['b', 7, 's'] }, { dtype: 'int32', shape: [4] }], { axis: 1 }, runs, { rtol: 0, atol: 0 });
  });
  it('gathers constant indices along a run-time last axis', async () => {
    const shape: Dim[] = [3, 's'];
    const dtype: DType = 'uint8';
    const runs = RUN_SIZES.map((sz) => [concrete(dtype, shape, sz)]);
    const ind = makeTensor('int64', [2, 2], [0, -1, -1, 0]);
    await checkDynamicKernel('Gather', [{ dtype, shape }, { dtype: 'int64', shape: [2, 2], constant: ind }], { axis: 1 }, runs, { rtol: 0, atol: 0 });
  });
  it('traps on an index equal to the run-time dim', async () => {
    const run = [concrete('float32', ['s', 5], [3, 1]), makeTensor('int64', [1], [3])];
    await expect(checkDynamicKernel('Gather', [{ dtype: 'float32', shape: ['s', 5] }, { dtype: 'int64', shape: ['b'] }], { axis: 0 }, [run])).rejects.toThrow(/unreachable/);
  });
});
