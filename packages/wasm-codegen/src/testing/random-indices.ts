// Test support for the index-driven kernels: random in-range indices, negatives included.
import { makeTensor, sizeOf } from '@onnx2wasm/ir';
import { rng } from './kernel-harness.js';

/** Indices in [-dim, dim) for an index tensor of shape `dims`. */
export function randomIndices(dtype: 'int32' | 'int64', dims: number[], dim: number, seed: number) {
  const r = rng(seed);
  return makeTensor(dtype, dims, Array.from({ length: sizeOf(dims) }, () => Math.floor(r() * 2 * dim) - dim));
}

/** Index tuples (the last dim, k) addressing the first k of `dims`. */
export function randomTuples(dtype: 'int32' | 'int64', idxDims: number[], dims: number[], seed: number) {
  const r = rng(seed);
  const k = idxDims[idxDims.length - 1]!;
  return makeTensor(dtype, idxDims, Array.from({ length: sizeOf(idxDims) }, (_, i) => {
    const d = dims[i % k]!;
    return Math.floor(r() * 2 * d) - d;
  }));
}
