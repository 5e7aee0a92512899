import { DType, makeTensor } from '@onnx2wasm/ir';
import { describe, expect, it } from 'vitest';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

const KINDS = ['ReduceSum', 'ReduceProd', 'ReduceMax', 'ReduceMin', 'ReduceSumSquare', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp'];

/** Input ranges that keep each kind finite (log needs positive sums, products stay near 1). */
function range(op: string, dtype: DType): [number, number] {
  if (dtype === 'uint8' || dtype === 'bool') return [0, dtype === 'bool' ? 1 : 200];
  if (dtype !== 'float32' && dtype !== 'float64' && dtype !== 'float16') return op === 'ReduceProd' ? [-3, 3] : [-100, 100];
  if (op === 'ReduceLogSum') return [0.1, 2];
  if (op === 'ReduceProd') return [0.6, 1.5];
  return [-3, 3];
}

async function check(op: string, dtype: DType, dims: number[], attrs: Record<string, number | number[]>, seed = 1): Promise<void> {
  const [lo, hi] = range(op, dtype);
  const x = randomTensor(dtype === 'bool' ? 'uint8' : dtype, dims, rng(seed + dims.reduce((a, b) => a * 7 + b, 3)), lo, hi);
  const input = dtype === 'bool' ? makeTensor('bool', dims, x.data) : x;
  const { actual, expected } = await runKernel(op, [{ tensor: input }], attrs);
  const tol = dtype === 'float16' ? 2e-3 : 2e-5;
  const c = compareTensors(actual[0]!, expected[0]!, tol, 1e-5);
  expect(c.ok, c.message).toBe(true);
}

// Shapes chosen to hit every path: rows (innermost reduced ≥ 4), lanes (innermost kept ≥ 4),
// scalar (short groups), alternating patterns, keepdims 0, noop and all-axes forms.
const SHAPES: { dims: number[]; axes: number[]; keepdims?: number; noop?: number }[] = [
  { dims: [3, 17], axes: [1] },
  { dims: [17, 7], axes: [0], keepdims: 0 },
  { dims: [7, 3], axes: [] },
  { dims: [2, 3, 5, 7], axes: [0, 2] },
  { dims: [3, 5, 2, 6], axes: [1, 3], keepdims: 0 },
  { dims: [3, 7, 3], axes: [1] },
  { dims: [1, 7, 1], axes: [0, 2] },
  { dims: [3, 4], axes: [], noop: 1 },
  { dims: [2, 0, 5], axes: [1] },
];

describe('Reduce kernels vs reference (float32)', () => {
  for (const op of KINDS) for (const s of SHAPES) {
    it(`${op} [${s.dims}] axes [${s.axes}] keepdims ${s.keepdims ?? 1} noop ${s.noop ?? 0}`, async () => {
      await check(op, 'float32', s.dims, { axes: s.axes, keepdims: s.keepdims ?? 1, noop_with_empty_axes: s.noop ?? 0 });
    });
  }
  it('ReduceLogSumExp of large values does not overflow', async () => {
    const x = makeTensor('float32', [2, 5], [1000, 1001, 999, 1000.5, 998, -1000, -999, -1001, -998, -1000.25]);
    for (const axes of [[1], [0]]) {
      const { actual, expected } = await runKernel('ReduceLogSumExp', [{ tensor: x }], { axes, keepdims: 0, noop_with_empty_axes: 0 });
      const c = compareTensors(actual[0]!, expected[0]!, 1e-6, 1e-4);
      expect(c.ok, c.message).toBe(true);
    }
  });
  it('ReduceMax propagates NaN and keeps -inf on empty sets', async () => {
    const x = makeTensor('float32', [2, 5], [1, NaN, 3, 4, 5, 1, 2, 3, 4, 5]);
    const { actual, expected } = await runKernel('ReduceMax', [{ tensor: x }], { axes: [1], keepdims: 1, noop_with_empty_axes: 0 });
    expect(Array.from(actual[0]!.data as Float32Array)).toEqual([NaN, 5]);
    expect(compareTensors(actual[0]!, expected[0]!).ok).toBe(true);
  });
});

describe('Reduce kernels vs reference (other dtypes)', () => {
  const INT_KINDS = ['ReduceSum', 'ReduceProd', 'ReduceMax', 'ReduceMin', 'ReduceSumSquare', 'ReduceL1'];
  const cases: { dims: number[]; axes: number[] }[] = [{ dims: [3, 17], axes: [1] }, { dims: [5, 3, 4], axes: [0, 2] }, { dims: [2, 0, 3], axes: [1] }];
  for (const dtype of ['int32', 'int64', 'int8', 'uint8', 'uint64'] as DType[]) for (const op of INT_KINDS) for (const s of cases) {
    it(`${op} ${dtype} [${s.dims}] axes [${s.axes}]`, async () => { await check(op, dtype, s.dims, { axes: s.axes, keepdims: 0 }); });
  }
  for (const dtype of ['float64', 'float16'] as DType[]) for (const op of KINDS) {
    it(`${op} ${dtype} [3,7,5] axes [1]`, async () => { await check(op, dtype, [3, 7, 5], { axes: [1], keepdims: 1 }); });
  }
  for (const op of ['ReduceMax', 'ReduceMin']) for (const s of cases) {
    it(`${op} bool [${s.dims}] axes [${s.axes}]`, async () => { await check(op, 'bool', s.dims, { axes: s.axes, keepdims: 1 }); });
  }
});
