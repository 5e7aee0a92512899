export type DType =
  | 'float32' | 'float64' | 'float16'
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'bool'
  // Low-precision types hold one element per array slot (no packing): bfloat16 bits in a
  // Uint16Array, float8/float4e2m1 bit codes in a Uint8Array, int4/int2 values in an Int8Array,
  // uint4/uint2 values in a Uint8Array. int4/uint4 are ONNX Runtime's names; the rest follow ONNX.
  | 'bfloat16' | 'float8e4m3fn' | 'float8e4m3fnuz' | 'float8e5m2' | 'float8e5m2fnuz' | 'float4e2m1'
  | 'int4' | 'uint4' | 'int2' | 'uint2' | 'float8e8m0';

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
  bfloat16: Uint16Array, float8e4m3fn: Uint8Array, float8e4m3fnuz: Uint8Array, float8e5m2: Uint8Array,
  float8e5m2fnuz: Uint8Array, float4e2m1: Uint8Array, int4: Int8Array, uint4: Uint8Array, int2: Int8Array, uint2: Uint8Array,
  float8e8m0: Uint8Array,
} as unknown as Record<DType, ArrayCtor>;
