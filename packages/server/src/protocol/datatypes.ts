// The protocol's tensor datatype names and our dtypes, and how each is laid out as bytes (the
// binary data extension: little-endian, row major, BOOL one byte per element).
import type { DType, TensorData } from '@onnx2wasm/runtime';

type ArrayCtor = { new (length: number): TensorData; new (buffer: ArrayBuffer, offset?: number, length?: number): TensorData; BYTES_PER_ELEMENT: number };

export interface Datatype { name: string; dtype: DType; array: ArrayCtor }

export const DATATYPES: Datatype[] = [
  { name: 'BOOL', dtype: 'bool', array: Uint8Array },
  { name: 'UINT8', dtype: 'uint8', array: Uint8Array },
  { name: 'UINT16', dtype: 'uint16', array: Uint16Array },
  { name: 'UINT32', dtype: 'uint32', array: Uint32Array },
  { name: 'UINT64', dtype: 'uint64', array: BigUint64Array },
  { name: 'INT8', dtype: 'int8', array: Int8Array },
  { name: 'INT16', dtype: 'int16', array: Int16Array },
  { name: 'INT32', dtype: 'int32', array: Int32Array },
  { name: 'INT64', dtype: 'int64', array: BigInt64Array },
  { name: 'FP16', dtype: 'float16', array: Uint16Array },
  { name: 'BF16', dtype: 'bfloat16', array: Uint16Array },
  { name: 'FP32', dtype: 'float32', array: Float32Array },
  { name: 'FP64', dtype: 'float64', array: Float64Array },
] as Datatype[];

const BY_NAME = new Map(DATATYPES.map((d) => [d.name, d]));
const BY_DTYPE = new Map(DATATYPES.map((d) => [d.dtype, d]));

export const datatypeByName = (name: string): Datatype | undefined => BY_NAME.get(name);
export const datatypeOf = (dtype: string): Datatype | undefined => BY_DTYPE.get(dtype as DType);
/** The protocol name of a dtype; types the protocol has no name for keep ours, in capitals. */
export const datatypeName = (dtype: string): string => BY_DTYPE.get(dtype as DType)?.name ?? dtype.toUpperCase();

// FP16 and BF16 travel in JSON as numbers, but our tensors hold their bits.
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Round to nearest even, with overflow to infinity and subnormals. */
export function floatToHalf(x: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let frac = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (frac ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    frac |= 0x800000;
    const shift = 14 - e;
    const half = frac >>> shift;
    const rem = frac & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rem > mid || (rem === mid && half & 1) ? 1 : 0));
  }
  let half = (e << 10) | (frac >>> 13);
  const rem = frac & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

export const bf16ToFloat = (b: number): number => { u32[0] = b << 16; return f32[0]!; };
export function floatToBf16(x: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  if (Number.isNaN(x)) return 0x7fc0;
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}
