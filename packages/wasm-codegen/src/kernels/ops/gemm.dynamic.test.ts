import { describe, it } from 'vitest';
import { Dim } from '@onnx2wasm/ir';
import { checkDynamicKernel } from '../../testing/dynamic-harness.js';
import { NodeInput, randomTensor, rng } from '../../testing/kernel-harness.js';

const r = rng(23);
const f32 = (dims: number[]) => randomTensor('float32', dims, r);
const tol = { rtol: 1e-4, atol: 1e-5 };
const ROWS = [1, 7, 33, 130, 5, 2];
const inp = (shape: Dim[], constant?: number[]): NodeInput => ({ dtype: 'float32', shape, constant: constant && f32(constant) });

describe('Gemm with run-time rows vs reference', () => {
  it('constant transposed B, C per column, alpha and beta', async () => {
    await checkDynamicKernel('Gemm', [inp(['M', 17]), inp([13, 17], [13, 17]), inp([13], [13])], { transA: 0, transB: 1, alpha: 1.5, beta: 0.5 },
      ROWS.map((m) => [f32([m, 17])]), tol);
  });

  it('run-time transposed B through run-time scratch, with a run-time N', async () => {
    const runs = [[3, 5], [1, 1], [9, 12], [2, 7]].map(([m, n]) => [f32([m!, 11]), f32([n!, 11])]);
    await checkDynamicKernel('Gemm', [inp(['M', 11]), inp(['N', 11])], { transA: 0, transB: 1, alpha: 1, beta: 1 }, runs, tol);
  });

  it('transA with a run-time M (run-time k stride of A)', async () => {
    await checkDynamicKernel('Gemm', [inp([9, 'M']), inp([9, 6], [9, 6]), inp(['M', 6])], { transA: 1, transB: 0, alpha: 1, beta: 2 },
      ROWS.map((m) => [f32([9, m]), f32([m, 6])]), tol);
  });

  it('C per row (a run-time column vector) and a scalar C', async () => {
    await checkDynamicKernel('Gemm', [inp(['M', 5]), inp([5, 7], [5, 7]), inp(['M', 1])], { transA: 0, transB: 0, alpha: 1, beta: 1 }, ROWS.map((m) => [f32([m, 5]), f32([m, 1])]), tol);
    await checkDynamicKernel('Gemm', [inp(['M', 5]), inp([5, 7], [5, 7]), inp([1], [1])], { transA: 0, transB: 0, alpha: 1, beta: 3 }, ROWS.map((m) => [f32([m, 5])]), tol);
  });

  it('fused residual and activation', async () => {
    await checkDynamicKernel('Gemm', [inp(['M', 9]), inp([7, 9], [7, 9]), inp([7], [7]), inp(['M', 7])], { transA: 0, transB: 1, alpha: 1, beta: 1, activation: 'sigmoid' },
      ROWS.map((m) => [f32([m, 9]), f32([m, 7])]), tol);
  });
});
