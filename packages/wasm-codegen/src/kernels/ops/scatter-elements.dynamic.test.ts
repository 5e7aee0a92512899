import { describe, it } from 'vitest';
import { Dim, ScatterReduction } from '@onnx2wasm/ir';
import { checkDynamicKernel } from '../../testing/dynamic-harness.js';
import { randomTensor, rng } from '../../testing/kernel-harness.js';
import { randomIndices } from '../../testing/random-indices.js';

/** ScatterElements over data [rows, cols] and indices [rows, k] (k <= cols) along `axis`, at several run sizes. */
async function check(data: Dim[], idx: Dim[], axis: number, reduction: ScatterReduction, sizes: { data: number[]; idx: number[] }[]) {
  const runs = sizes.map((s, r) => [
    randomTensor('float32', s.data, rng(r + 3), -2, 2),
    randomIndices('int64', s.idx, s.data[axis]!, r + 11),
    randomTensor('float32', s.idx, rng(r + 5), -2, 2),
  ]);
  await checkDynamicKernel('ScatterElements', [{ dtype: 'float32', shape: data }, { dtype: 'int64', shape: idx }, { dtype: 'float32', shape: idx }], { axis, reduction }, runs, { rtol: 1e-6, atol: 1e-6 });
}

describe('ScatterElements with run-time dims', () => {
  it('adds along a run-time last axis (Col2Im’s run-time form)', () => check(['n', 'p'], ['n', 'q'], 1, 'add', [
    { data: [2, 9], idx: [2, 12] }, { data: [3, 40], idx: [3, 7] }, { data: [1, 1], idx: [1, 5] },
  ]));
  it('stores along axis 0 with fewer index rows than data rows', () => check(['r', 4], ['s', 4], 0, 'none', [
    { data: [6, 4], idx: [2, 4] }, { data: [3, 4], idx: [3, 4] },
  ]));
});
