// Low-precision element types (ONNX 1.14+): bfloat16, the float8 family, float4e2m1 and the
// 4- and 2-bit integers. Representation, everywhere outside ONNX's own bytes (IR tensors, the
// runtime's typed arrays, wasm memory): ONE ELEMENT PER STORAGE UNIT —
//   bfloat16                       → its 16 bits in a Uint16Array (like float16)
//   float8*, float4e2m1            → its bit code in a Uint8Array, one element per byte (float4e2m1
//                                    in the low nibble)
//   int4, int2 / uint4, uint2      → the value in an Int8Array / Uint8Array, one element per byte
// ONNX packs 4-bit types two per byte and 2-bit types four per byte (first element in the low
// bits); the importer unpacks at the TensorProto boundary (`unpackSubByte`).

/** A small binary float format: sign, `exp` exponent bits with `bias`, `mant` mantissa bits. */
export interface FloatFormat {
  exp: number;
  mant: number;
  bias: number;
  /** How the format spends its top codes: IEEE-like Inf/NaN, one NaN per sign (fn), a single
   *  NaN at the negative-zero code (fnuz), or no specials at all (float4e2m1). */
  specials: 'ieee' | 'fn' | 'fnuz' | 'none';
}

export const FLOAT_FORMATS: Record<string, FloatFormat> = {
  float8e4m3fn: { exp: 4, mant: 3, bias: 7, specials: 'fn' },
  float8e4m3fnuz: { exp: 4, mant: 3, bias: 8, specials: 'fnuz' },
  float8e5m2: { exp: 5, mant: 2, bias: 15, specials: 'ieee' },
  float8e5m2fnuz: { exp: 5, mant: 2, bias: 16, specials: 'fnuz' },
  float4e2m1: { exp: 2, mant: 1, bias: 1, specials: 'none' },
};

/** Integer ranges of the sub-byte integer types. */
export const SUB_BYTE_INTS: Record<string, [number, number]> = {
  int4: [-8, 7], uint4: [0, 15], int2: [-2, 1], uint2: [0, 3],
};

/** Bits per element in ONNX's packed raw_data, for types narrower than a byte. */
export const PACKED_BITS: Record<string, number> = { int4: 4, uint4: 4, float4e2m1: 4, int2: 2, uint2: 2 };

export function signBit(f: FloatFormat): number { return 1 << (f.exp + f.mant); }

/** The largest finite magnitude code. */
export function maxCode(f: FloatFormat): number {
  const all = signBit(f) - 1;
  if (f.specials === 'fn') return all - 1;
  return f.specials === 'ieee' ? (((1 << f.exp) - 1) << f.mant) - 1 : all;
}

function nanCode(f: FloatFormat, negative: boolean): number {
  if (f.specials === 'fnuz') return signBit(f);
  return negative ? 2 * signBit(f) - 1 : signBit(f) - 1;
}

export function decodeFloatBits(f: FloatFormat, code: number): number {
  const sb = signBit(f);
  const mag = code & (sb - 1), e = mag >> f.mant, m = mag & ((1 << f.mant) - 1);
  const sign = code & sb ? -1 : 1;
  if (f.specials === 'fnuz' && code === sb) return NaN;
  if (f.specials === 'fn' && mag === sb - 1) return NaN;
  if (f.specials === 'ieee' && e === (1 << f.exp) - 1) return m ? NaN : sign * Infinity;
  const significand = e === 0 ? m : m + (1 << f.mant);
  return sign * significand * 2 ** (Math.max(e, 1) - f.bias - f.mant);
}

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** ONNX Cast to a small float: round to nearest even; beyond the largest finite value (after
 *  rounding) or ±Inf saturate to ±max, or without `saturate` give Inf (ieee) or NaN. */
export function encodeFloatBits(f: FloatFormat, v: number, saturate: boolean): number {
  const negative = v < 0 || Object.is(v, -0);
  // float4e2m1 has no NaN: ONNX maps NaN to zero.
  if (Number.isNaN(v)) return f.specials === 'none' ? 0 : nanCode(f, negative);
  const a = Math.abs(v);
  const emin = 1 - f.bias;
  let code: number;
  if (a === Infinity) code = Infinity;
  else if (a < 2 ** emin) code = roundHalfEven(a * 2 ** (f.mant - emin));
  else {
    const e = Math.floor(Math.log2(a));
    // log2 may be off by one near powers of two; fix so that 2^e <= a < 2^(e+1).
    const ee = 2 ** e > a ? e - 1 : 2 ** (e + 1) <= a ? e + 1 : e;
    code = ((ee + f.bias) << f.mant) + roundHalfEven(a * 2 ** (f.mant - ee)) - (1 << f.mant);
  }
  if (code > maxCode(f)) {
    if (saturate || f.specials === 'none') code = maxCode(f);
    else if (f.specials === 'ieee') code = signBit(f) - (1 << f.mant);
    else return nanCode(f, negative);
  }
  if (code === 0 && f.specials === 'fnuz') return 0;
  return negative ? code | signBit(f) : code;
}

/** bfloat16 bits → number. */
export function bfloat16ToFloat(b: number): number {
  return new Float32Array(new Uint32Array([b << 16]).buffer)[0]!;
}

/** number → bfloat16 bits: the float32 value rounded to nearest even (NaN stays a quiet NaN). */
export function floatToBfloat16(v: number): number {
  const x = new Uint32Array(new Float32Array([v]).buffer)[0]!;
  if (Number.isNaN(v)) return (x >>> 16) | 0x40;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

/** Unpacks ONNX's packed sub-byte elements (low bits first) into one element per byte; signed
 *  integer types are sign-extended. */
export function unpackSubByte(dtype: string, packed: ArrayLike<number>, n: number): Int8Array | Uint8Array {
  const bits = PACKED_BITS[dtype]!;
  const perByte = 8 / bits, mask = (1 << bits) - 1;
  const signed = dtype === 'int4' || dtype === 'int2';
  const out = signed ? new Int8Array(n) : new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = (packed[Math.floor(i / perByte)]! >> ((i % perByte) * bits)) & mask;
    out[i] = signed && v & (1 << (bits - 1)) ? v - (1 << bits) : v;
  }
  return out;
}

/** float8e8m0 (Cast-24, for MX scales): an exponent only, 2^(code - 127); 0xff is NaN. */
export type E8m0Rounding = 'up' | 'down' | 'nearest';

export function e8m0ToFloat(code: number): number {
  return code === 0xff ? NaN : 2 ** (code - 127);
}

/** number → float8e8m0 code from the float32 exponent field, rounded by `mode` on the mantissa
 *  bits; beyond 2^127 (or Inf) saturates to 0xfe, or is NaN without `saturate`. The sign is
 *  ignored (negative inputs are undefined in ONNX) and zero gives the smallest code. */
export function floatToE8m0(v: number, saturate: boolean, mode: E8m0Rounding): number {
  if (Number.isNaN(v)) return 0xff;
  const bits = new Uint32Array(new Float32Array([v]).buffer)[0]! & 0x7fffffff;
  if (bits === 0x7f800000) return saturate ? 0xfe : 0xff;
  let e = bits >>> 23;
  const m = bits & 0x7fffff;
  if (mode === 'up' && m !== 0) e++;
  if (mode === 'nearest' && m & 0x400000 && (m & 0x3fffff || e & 1)) e++;
  return e > 0xfe ? (saturate ? 0xfe : 0xff) : e;
}
