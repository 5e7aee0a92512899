export type DType =
  | 'float32' | 'float64' | 'float16'
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'bool';

export type TensorData =
  | Float32Array | Float64Array | Uint16Array | Int8Array | Int16Array | Int32Array
  | BigInt64Array | Uint8Array | Uint32Array | BigUint64Array;

/** The tensor shape of the public API, as in ONNX Runtime's JS API (int64 as BigInt64Array). */
export interface Tensor {
  dtype: DType;
  dims: number[];
  data: TensorData;
}

type ArrayCtor = { new (buffer: ArrayBuffer, offset: number, length: number): TensorData; new (length: number): TensorData; BYTES_PER_ELEMENT: number };

export const ARRAYS: Record<DType, ArrayCtor> = {
  float32: Float32Array, float64: Float64Array, float16: Uint16Array,
  int8: Int8Array, int16: Int16Array, int32: Int32Array, int64: BigInt64Array,
  uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, uint64: BigUint64Array,
  bool: Uint8Array,
} as unknown as Record<DType, ArrayCtor>;
