// Tensors as JSON for `--json` and `run --output file.json`: plain arrays of numbers; 64-bit
// integers as decimal strings, because JSON numbers lose precision past 2^53.
import type { Tensor } from '@onnx2wasm/runtime';

export interface TensorJson {
  dtype: string;
  dims: number[];
  data: (number | string)[];
}

export function tensorJson(t: Tensor): TensorJson {
  const data = Array.from(t.data as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? v.toString() : v));
  return { dtype: t.dtype, dims: [...t.dims], data };
}

/** One JSON document on stdout, ending in a newline. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
