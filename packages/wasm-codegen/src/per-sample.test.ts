import { describe, expect, it } from 'vitest';
import { makeTensor } from '@onnx2wasm/ir';
import { checkDynamicKernel, runDynamicGraph } from './testing/dynamic-harness.js';
import { buildNodeGraph, randomTensor, rng } from './testing/kernel-harness.js';

const r = rng(7);
const f32 = (dims: number[]) => randomTensor('float32', dims, r);

describe('per-sample lowering over a symbolic batch', () => {
  it('runs an elementwise op for batch 1, 3, 2 on one compiled module', async () => {
    await checkDynamicKernel('Relu', [{ dtype: 'float32', shape: ['N', 5, 3] }], {}, [[f32([1, 5, 3])], [f32([3, 5, 3])], [f32([2, 5, 3])]]);
  });

  it('broadcasts an unbatched operand against each sample', async () => {
    await checkDynamicKernel('Add', [{ dtype: 'float32', shape: ['N', 4, 7] }, { dtype: 'float32', shape: [1, 4, 1] }], {},
      [[f32([2, 4, 7]), f32([1, 4, 1])], [f32([5, 4, 7]), f32([1, 4, 1])]]);
  });

  it('runs a convolution with bias per sample', async () => {
    const w = f32([6, 3, 3, 3]), b = f32([6]);
    await checkDynamicKernel('Conv', [{ dtype: 'float32', shape: ['N', 3, 9, 9] }, { dtype: 'float32', shape: [6, 3, 3, 3], constant: w }, { dtype: 'float32', shape: [6], constant: b }],
      { pads: [1, 1, 1, 1], strides: [2, 2] }, [[f32([1, 3, 9, 9])], [f32([5, 3, 9, 9])], [f32([2, 3, 9, 9])]], { rtol: 1e-4, atol: 1e-5 });
  });

  it('runs a matmul whose rows are samples', async () => {
    const w = f32([7, 5]);
    await checkDynamicKernel('MatMul', [{ dtype: 'float32', shape: ['N', 7] }, { dtype: 'float32', shape: [7, 5], constant: w }], {},
      [[f32([3, 7])], [f32([1, 7])], [f32([17, 7])]], { rtol: 1e-4, atol: 1e-5 });
  });

  it('refuses a node that mixes samples', async () => {
    await expect(checkDynamicKernel('Hardmax', [{ dtype: 'float32', shape: ['N', 4] }], { axis: 0 }, [[f32([2, 4])]])).rejects.toThrow(/DYNAMIC_SHAPE|run-time dims/);
  });

  it('runs a specialized variant when the dims match and the generic code otherwise', async () => {
    const g = buildNodeGraph('Relu', [{ dtype: 'float32', shape: ['N', 5] }]);
    const fixed = buildNodeGraph('Relu', [{ dtype: 'float32', shape: [2, 5] }]);
    const runs = [[f32([2, 5])], [f32([3, 5])], [f32([2, 5])]];
    const got = await runDynamicGraph(g, runs, { variants: [{ graph: fixed, when: { N: 2 } }] });
    runs.forEach(([x], r) => {
      expect(got[r]![0]!.dims).toEqual(x!.dims);
      expect(Array.from(got[r]![0]!.data as Float32Array)).toEqual(Array.from(x!.data as Float32Array, (v) => Math.max(v, 0)));
    });
  });

  it('rejects feeds that give one symbol two values, and runs a dim of 0 (an empty batch)', async () => {
    const g = buildNodeGraph('Add', [{ dtype: 'float32', shape: ['N', 3] }, { dtype: 'float32', shape: ['N', 3] }]);
    await expect(runDynamicGraph(g, [[f32([2, 3]), f32([4, 3])]])).rejects.toMatchObject({ code: 'SHAPE_MISMATCH', input: 'x1' });
    const N = { dtype: 'float32' as const, shape: ['N', 3] };
    await checkDynamicKernel('Add', [N, N], {}, [[f32([0, 3]), f32([0, 3])], [f32([2, 3]), f32([2, 3])], [f32([0, 3]), f32([0, 3])]]);
  });

  it('refuses a reshape that keeps the element count only for a batch of 1', async () => {
    const shape = { dtype: 'int64' as const, shape: [4], constant: makeTensor('int64', [4], [1, 2, 3, 5]) };
    await expect(checkDynamicKernel('Reshape', [{ dtype: 'float32', shape: ['N', 6, 5] }, shape], { allowzero: 0 }, [[f32([1, 6, 5])]])).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' });
  });
});
