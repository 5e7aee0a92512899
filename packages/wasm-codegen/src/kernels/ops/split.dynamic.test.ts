import { describe, it } from 'vitest';
import { DType, Dim, makeTensor } from '@onnx2wasm/ir';
import { checkDynamicKernel } from '../../testing/dynamic-harness.js';
import { RUN_SIZES, concrete } from '../emit/movement-test-util.js';

async function check(shape: Dim[], axis: number, split: number[] | undefined, outputs: number, dtype: DType = 'float32') {
  const runs = RUN_SIZES.map((sz) => [concrete(dtype, shape, sz)]);
  const s = split ? [{ dtype: 'int64' as const, shape: [split.length], constant: makeTensor('int64', [split.length], split) }] : [];
  await checkDynamicKernel('Split', [{ dtype, shape }, ...s], { axis }, runs, { outputs, rtol: 0, atol: 0 });
}

describe('Split with run-time dims', () => {
  it('cuts [s, b, 768] into three 256 parts', () => check(['s', 'b', 768], -1, undefined, 3));
  it('cuts a static middle axis unevenly under run-time dims', () => check(['b', 7, 's'], 1, [1, 0, 6], 3, 'int64'));
  it('cuts a static leading axis of [6, s]', () => check([6, 's'], 0, [4, 2], 2, 'uint8'));
});
