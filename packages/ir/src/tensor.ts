import { DTYPE_BYTES, DType, INT_DTYPES, TypedArray, allocateArray, encodeElement, floatToHalf, isBigInt } from './dtype.js';

/** A concrete tensor: constants in the graph, and the inputs/outputs of reference `evaluate`. */
export interface Tensor {
  dtype: DType;
  dims: number[];
  data: TypedArray;
}

export function sizeOf(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

export function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) { s[i] = acc; acc *= dims[i]!; }
  return s;
}

/** A tensor from values (float16, bfloat16, float8/float4 values are encoded to half bits; pass raw bits as a Uint16Array via `data` only for other dtypes). */
export function makeTensor(dtype: DType, dims: number[], data?: TypedArray | number[]): Tensor {
  const n = sizeOf(dims);
  const arr = allocateArray(dtype, n);
  if (data) {
    if (data.length !== n) throw new Error(`tensor data has ${data.length} elements, dims ${JSON.stringify(dims)} need ${n}`);
    // Numbers truncate into int64 as they do into the other integer arrays (a Clip bound of -0.5 on int64 is 0).
    const big = (v: number | bigint) => (typeof v === 'bigint' ? v : BigInt(Number.isFinite(v) ? Math.trunc(v) : 0));
    if (isBigInt(dtype)) for (let i = 0; i < n; i++) (arr as BigInt64Array)[i] = big(data[i] as number | bigint);
    else if (dtype === 'float16') for (let i = 0; i < n; i++) (arr as Uint16Array)[i] = floatToHalf(Number(data[i]));
    else if (DTYPE_BYTES[dtype] < 4 && dtype !== 'bool' && !INT_DTYPES.includes(dtype)) for (let i = 0; i < n; i++) (arr as Uint8Array)[i] = encodeElement(dtype, Number(data[i]));
    else for (let i = 0; i < n; i++) (arr as Float32Array)[i] = Number(data[i]);
  }
  return { dtype, dims: [...dims], data: arr };
}

/** Element i as a JS number (int64 converted; precision beyond 2^53 is not needed for shapes/indices). */
export function getNumber(t: Tensor, i: number): number {
  return Number(t.data[i]!);
}

export function toNumbers(t: Tensor): number[] {
  const out = new Array<number>(t.data.length);
  for (let i = 0; i < t.data.length; i++) out[i] = Number(t.data[i]!);
  return out;
}

export function scalarTensor(dtype: DType, v: number): Tensor {
  return makeTensor(dtype, [], [v]);
}

/** Writes a JS number into element i with the dtype's conversion (truncation/wrap for ints, 0/1 for bool). */
export function setNumber(t: Tensor, i: number, v: number): void {
  if (isBigInt(t.dtype)) (t.data as BigInt64Array)[i] = BigInt(Math.trunc(Number.isFinite(v) ? v : 0));
  else if (t.dtype === 'bool') (t.data as Uint8Array)[i] = v ? 1 : 0;
  else (t.data as Float32Array)[i] = v;
}
