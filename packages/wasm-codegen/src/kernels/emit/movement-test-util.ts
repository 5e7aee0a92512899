// Test support for the movement kernels' run-time-dims tests: concrete tensors for shapes over
// the symbols s and b, and the run sizes every test walks (1, odd, larger; up and down).
import { DType, Dim, Tensor } from '@onnx2wasm/ir';
import { randomTensor, rng } from '../../testing/kernel-harness.js';

export const RUN_SIZES: [number, number][] = [[1, 1], [7, 3], [33, 2], [64, 8], [3, 7], [1, 33]];

const r = rng(23);

/** A random tensor of `shape` with s and b replaced by the run's sizes. */
export function concrete(dtype: DType, shape: Dim[], [s, b]: [number, number]): Tensor {
  return randomTensor(dtype, shape.map((d) => (d === 's' ? s : d === 'b' ? b : (d as number))), r, -100, 100);
}
