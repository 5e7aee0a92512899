import { E8m0Rounding, FLOAT_FORMATS, SUB_BYTE_INTS, bfloat16ToFloat, decodeFloatBits, e8m0ToFloat, encodeFloatBits, floatToBfloat16, floatToE8m0 } from './low-precision.js';

/** Element types, named as in ONNX Runtime's JS API so that runtime tensors and IR values agree. */
export type DType =
  | 'float32' | 'float64' | 'float16'
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'bool' | 'string'
  // Low-precision types, one element per storage unit (see low-precision.ts). ORT JS names
  // int4/uint4; the float8 names follow ONNX's TensorProto enum, lower-cased.
  | 'bfloat16' | 'float8e4m3fn' | 'float8e4m3fnuz' | 'float8e5m2' | 'float8e5m2fnuz' | 'float4e2m1'
  | 'int4' | 'uint4' | 'int2' | 'uint2' | 'float8e8m0';

export type TypedArray =
  | Float32Array | Float64Array | Uint16Array
  | Int8Array | Int16Array | Int32Array | BigInt64Array
  | Uint8Array | Uint32Array | BigUint64Array;

export const DTYPE_BYTES: Record<DType, number> = {
  float32: 4, float64: 8, float16: 2,
  int8: 1, int16: 2, int32: 4, int64: 8,
  uint8: 1, uint16: 2, uint32: 4, uint64: 8,
  bool: 1, string: 0,
  bfloat16: 2, float8e4m3fn: 1, float8e4m3fnuz: 1, float8e5m2: 1, float8e5m2fnuz: 1, float4e2m1: 1,
  int4: 1, uint4: 1, int2: 1, uint2: 1, float8e8m0: 1,
};

/** Types whose storage holds bits of a float format that must be decoded (float16 and the low-precision floats). */
export const ENCODED_FLOATS: readonly DType[] = ['float16', 'bfloat16', 'float8e4m3fn', 'float8e4m3fnuz', 'float8e5m2', 'float8e5m2fnuz', 'float4e2m1', 'float8e8m0'];

/** The value of one stored element (decodes float16/bfloat16/float8/float4 bits). */
export function decodeElement(dtype: DType, raw: number): number {
  if (dtype === 'float16') return halfToFloat(raw);
  if (dtype === 'bfloat16') return bfloat16ToFloat(raw);
  if (dtype === 'float8e8m0') return e8m0ToFloat(raw);
  const f = FLOAT_FORMATS[dtype];
  return f ? decodeFloatBits(f, raw) : raw;
}

/** The stored element for a value: float formats round to nearest even (saturating float8 unless
 *  `saturate` is false); sub-byte integers truncate and wrap like the wider integer casts. */
export function encodeElement(dtype: DType, v: number, saturate = true, roundMode: E8m0Rounding = 'up'): number {
  if (dtype === 'float16') return floatToHalf(v);
  if (dtype === 'float8e8m0') return floatToE8m0(v, saturate, roundMode);
  if (dtype === 'bfloat16') return floatToBfloat16(v);
  const f = FLOAT_FORMATS[dtype];
  if (f) return encodeFloatBits(f, v, saturate);
  const range = SUB_BYTE_INTS[dtype];
  if (range) {
    const span = range[1] - range[0] + 1;
    // Out-of-range floats are undefined in ONNX: NaN, ±Inf and values outside int32 become INT_MIN
    // first (onnxruntime's x86 result, as the float→int32 Cast gives it), then wrap.
    const t = v >= -(2 ** 31) && v < 2 ** 31 ? Math.trunc(v) : -(2 ** 31);
    const w = ((t % span) + span) % span;
    return w > range[1] ? w - span : w;
  }
  return v;
}

// Types the compute ops accept; the low-precision types are storage formats that only Cast,
// QuantizeLinear and DequantizeLinear read or write.
export const FLOAT_DTYPES: readonly DType[] = ['float32', 'float64', 'float16'];
export const INT_DTYPES: readonly DType[] = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'];

export function isFloat(d: DType): boolean { return FLOAT_DTYPES.includes(d); }
export function isBigInt(d: DType): boolean { return d === 'int64' || d === 'uint64'; }

export function allocateArray(dtype: DType, length: number): TypedArray {
  switch (dtype) {
    case 'float32': return new Float32Array(length);
    case 'float64': return new Float64Array(length);
    case 'float16': return new Uint16Array(length);
    case 'int8': return new Int8Array(length);
    case 'int16': return new Int16Array(length);
    case 'int32': return new Int32Array(length);
    case 'int64': return new BigInt64Array(length);
    case 'uint8': return new Uint8Array(length);
    case 'uint16': return new Uint16Array(length);
    case 'uint32': return new Uint32Array(length);
    case 'uint64': return new BigUint64Array(length);
    case 'bool': return new Uint8Array(length);
    case 'bfloat16': return new Uint16Array(length);
    case 'int4': case 'int2': return new Int8Array(length);
    case 'float8e4m3fn': case 'float8e4m3fnuz': case 'float8e5m2': case 'float8e5m2fnuz': case 'float4e2m1': case 'float8e8m0':
    case 'uint4': case 'uint2': return new Uint8Array(length);
    case 'string': throw new Error('string tensors have no typed array');
  }
}

/** A view of `bytes` as the typed array of `dtype` (copies when the bytes are unaligned). */
export function arrayFromBytes(dtype: DType, bytes: Uint8Array): TypedArray {
  const size = DTYPE_BYTES[dtype];
  // Copy when unaligned (Node's Buffer#slice would return a view, so copy through the constructor).
  const aligned = bytes.byteOffset % Math.max(size, 1) === 0 ? bytes : new Uint8Array(bytes);
  const n = size ? aligned.byteLength / size : 0;
  const buf = aligned.buffer;
  const off = aligned.byteOffset;
  switch (dtype) {
    case 'float32': return new Float32Array(buf, off, n);
    case 'float64': return new Float64Array(buf, off, n);
    case 'float16': return new Uint16Array(buf, off, n);
    case 'int8': return new Int8Array(buf, off, n);
    case 'int16': return new Int16Array(buf, off, n);
    case 'int32': return new Int32Array(buf, off, n);
    case 'int64': return new BigInt64Array(buf, off, n);
    case 'uint8': return new Uint8Array(buf, off, n);
    case 'uint16': return new Uint16Array(buf, off, n);
    case 'uint32': return new Uint32Array(buf, off, n);
    case 'uint64': return new BigUint64Array(buf, off, n);
    case 'bool': return new Uint8Array(buf, off, n);
    case 'bfloat16': return new Uint16Array(buf, off, n);
    case 'int4': case 'int2': return new Int8Array(buf, off, n);
    case 'float8e4m3fn': case 'float8e4m3fnuz': case 'float8e5m2': case 'float8e5m2fnuz': case 'float4e2m1': case 'float8e8m0':
    case 'uint4': case 'uint2': return new Uint8Array(buf, off, n);
    case 'string': throw new Error('string tensors have no typed array');
  }
}

/** float16 bits → number (IEEE 754 half precision). */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** number → float16 bits, round to nearest even. */
export function floatToHalf(v: number): number {
  const f32 = new Float32Array([v]);
  const x = new Uint32Array(f32.buffer)[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && (half & 1))) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1))) half++;
  return sign | half;
}
