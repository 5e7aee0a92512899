import { Tensor, makeTensor } from '@onnx2wasm/ir';

/** [R, C] → [C, R] for a constant float32 matrix (prepacking weights at compile time). */
export function transpose2d(t: Tensor): Tensor {
  const [r, c] = t.dims as [number, number];
  const out = makeTensor('float32', [c, r]);
  const src = t.data as Float32Array, dst = out.data as Float32Array;
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) dst[j * r + i] = src[i * c + j]!;
  return out;
}
