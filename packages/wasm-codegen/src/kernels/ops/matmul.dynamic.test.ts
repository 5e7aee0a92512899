import { describe, it } from 'vitest';
import { Dim, Tensor } from '@onnx2wasm/ir';
import { checkDynamicKernel } from '../../testing/dynamic-harness.js';
import { randomTensor, rng } from '../../testing/kernel-harness.js';

const r = rng(11);
const f32 = (dims: number[]) => randomTensor('float32', dims, r);
const tol = { rtol: 1e-4, atol: 1e-5 };
// Sizes in increasing then decreasing order, all on one compiled module.
const SIZES = [1, 7, 33, 130, 3, 2];

describe('MatMul with run-time dims vs reference', () => {
  it('rows = seq*batch against a constant weight, odd N and K', async () => {
    const w = f32([17, 13]);
    await checkDynamicKernel('MatMul', [{ dtype: 'float32', shape: ['S', 'B', 17] }, { dtype: 'float32', shape: [17, 13], constant: w }], {},
      SIZES.map((n, k) => [f32([n, (k % 3) + 1, 17])]), tol);
  });

  it('run-time M and N with a run-time B (every column tail 1..7)', async () => {
    const runs = [[1, 1], [5, 9], [7, 15], [33, 17], [2, 4], [3, 6], [4, 3], [6, 2]].map(([m, n]) => [f32([m!, 19]), f32([19, n!])]);
    await checkDynamicKernel('MatMul', [{ dtype: 'float32', shape: ['M', 19] }, { dtype: 'float32', shape: [19, 'N'] }], {}, runs, tol);
  });

  it('a run-time K', async () => {
    await checkDynamicKernel('MatMul', [{ dtype: 'float32', shape: [5, 'K'] }, { dtype: 'float32', shape: ['K', 9] }], {},
      [1, 7, 33, 2].map((k) => [f32([5, k]), f32([k, 9])]), tol);
  });

  for (const [name, attrs, withBias, withResidual] of [
    ['bias + relu', { activation: 'relu' }, true, false],
    ['bias + residual + gelu', { activation: 'gelu' }, true, true],
    ['residual + clip', { activation: 'clip', activation_params: [-0.1, 0.2] }, false, true],
  ] as const) {
    it(`fused epilogue: ${name}`, async () => {
      const w = f32([24, 11]), bias = f32([11]);
      const inputs = [{ dtype: 'float32' as const, shape: ['B', 'S', 24] as Dim[] }, { dtype: 'float32' as const, shape: [24, 11] as Dim[], constant: w },
        withBias ? { dtype: 'float32' as const, shape: [11] as Dim[], constant: bias } : undefined,
        withResidual ? { dtype: 'float32' as const, shape: ['B', 'S', 11] as Dim[] } : undefined];
      const runs = SIZES.map((s) => [f32([2, s, 24]), ...(withResidual ? [f32([2, s, 11])] : [])]);
      await checkDynamicKernel('MatMul', inputs, attrs, runs, tol);
    });
  }

  it('cache-blocked large weight with bias and residual', async () => {
    const w = f32([300, 530]), bias = f32([530]);
    await checkDynamicKernel('MatMul', [{ dtype: 'float32', shape: ['M', 300] }, { dtype: 'float32', shape: [300, 530], constant: w },
      { dtype: 'float32', shape: [530], constant: bias }, { dtype: 'float32', shape: ['M', 530] }], {},
    [5, 1, 9].map((m) => [f32([m, 300]), f32([m, 530])]), tol);
  });

  it('cache-blocked without bias', async () => {
    const w = f32([270, 600]);
    await checkDynamicKernel('MatMul', [{ dtype: 'float32', shape: ['M', 270] }, { dtype: 'float32', shape: [270, 600], constant: w }], { activation: 'relu' },
      [3, 1, 6].map((m) => [f32([m, 270])]), tol);
  });

  it('batched with run-time batch and sequence dims (attention-like)', async () => {
    const runs: Tensor[][] = [[1, 1], [2, 7], [1, 33], [3, 5]].map(([b, s]) => [f32([b!, 4, s!, 8]), f32([b!, 4, 8, s!])]);
    await checkDynamicKernel('MatMul', [{ dtype: 'float32', shape: ['B', 4, 'S', 8] }, { dtype: 'float32', shape: ['B', 4, 8, 'S'] }], {}, runs, tol);
  });

  it('batched, rows of A packed (K 64, N 40), run-time batch and rows', async () => {
    const runs: Tensor[][] = [[1, 9], [2, 3], [1, 17]].map(([b, s]) => [f32([b!, 2, s!, 64]), f32([b!, 2, 64, 40])]);
    await checkDynamicKernel('MatMul', [{ dtype: 'float32', shape: ['B', 2, 'S', 64] }, { dtype: 'float32', shape: ['B', 2, 64, 40] }], {}, runs, tol);
  });

  it('batched with B broadcast over A batch dims', async () => {
    const runs = [[2, 3], [1, 1], [4, 7]].map(([b, s]) => [f32([b!, 3, s!, 5]), f32([3, 5, 6])]);
    await checkDynamicKernel('MatMul', [{ dtype: 'float32', shape: ['B', 3, 'S', 5] }, { dtype: 'float32', shape: [3, 5, 6] }], {}, runs, tol);
  });

  it('1-D A and 1-D B with a run-time length', async () => {
    await checkDynamicKernel('MatMul', [{ dtype: 'float32', shape: ['K'] }, { dtype: 'float32', shape: ['K', 6] }], {}, [3, 1, 17].map((k) => [f32([k]), f32([k, 6])]), tol);
    await checkDynamicKernel('MatMul', [{ dtype: 'float32', shape: ['M', 7] }, { dtype: 'float32', shape: [7] }], {}, [3, 1, 17].map((m) => [f32([m, 7]), f32([7])]), tol);
  });
});
