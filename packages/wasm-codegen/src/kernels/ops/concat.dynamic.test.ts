import { describe, it } from 'vitest';
import { DType, Dim } from '@onnx2wasm/ir';
import { checkDynamicKernel } from '../../testing/dynamic-harness.js';
import { RUN_SIZES, concrete } from '../emit/movement-test-util.js';

async function check(shapes: Dim[][], axis: number, dtype: DType = 'float32') {
  const runs = RUN_SIZES.map((sz) => shapes.map((shape) => concrete(dtype, shape, sz)));
  await checkDynamicKernel('Concat', shapes.map((shape) => ({ dtype, shape })), { axis }, runs, { rtol: 0, atol: 0 });
}

describe('Concat with run-time dims', () => {
  it('joins the static last axis under run-time outer dims', () => check([['s', 'b', 64], ['s', 'b', 192]], 2));
  it('joins along a run-time axis (run-time offsets)', () => check([['s', 4, 3], ['b', 4, 3], [2, 4, 3]], 0, 'int64'));
  it('joins a run-time and a static middle axis', () => check([['s', 'b', 5], ['s', 7, 5]], 1, 'uint8'));
});
