// Feeds for run-time-dims kernel tests: one random tensor per run-time input for each binding of
// the symbols, in the order given (tests list sizes increasing and then decreasing).
import { DType, Dim, Tensor, evalDim } from '@onnx2wasm/ir';
import { NodeInput } from './kernel-harness.js';
import { randomTensor } from './kernel-harness.js';

export interface RunInput extends NodeInput {
  /** Value range of the random data. */
  lo?: number;
  hi?: number;
}

/** Symbol bindings with 1, odd sizes and a larger one, growing then shrinking. */
export const SIZES = [1, 7, 33, 130, 3, 1];

export function feeds(inputs: (RunInput | undefined)[], envs: Record<string, number>[], random: () => number): Tensor[][] {
  return envs.map((env) => inputs.filter((i): i is RunInput => !!i && !i.constant)
    .map((i) => randomTensor(i.dtype, i.shape.map((d: Dim) => evalDim(d, env)), random, i.lo, i.hi)));
}

/** A constant input (weights) of static dims. */
export function constant(dtype: DType, dims: number[], random: () => number, lo = -1, hi = 1): RunInput {
  return { dtype, shape: dims, constant: randomTensor(dtype, dims, random, lo, hi) };
}
