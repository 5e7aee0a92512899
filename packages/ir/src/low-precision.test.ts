import { describe, expect, it } from 'vitest';
import { FLOAT_FORMATS, e8m0ToFloat, floatToE8m0, decodeFloatBits, encodeFloatBits, floatToBfloat16, bfloat16ToFloat, unpackSubByte } from './low-precision.js';
import { encodeElement } from './dtype.js';

const F = FLOAT_FORMATS;

describe('small float formats', () => {
  for (const [name, f] of Object.entries(F)) {
    it(`${name}: every finite code survives decode → encode`, () => {
      const codes = 1 << (f.exp + f.mant + 1);
      for (let c = 0; c < codes; c++) {
        const v = decodeFloatBits(f, c);
        if (Number.isNaN(v) || !Number.isFinite(v)) continue;
        expect(encodeFloatBits(f, v, true), `${name} code ${c}`).toBe(c);
      }
    });
  }
  it('largest values and saturation follow the ONNX Cast tables', () => {
    expect(decodeFloatBits(F.float8e4m3fn!, 0x7e)).toBe(448);
    expect(decodeFloatBits(F.float8e4m3fnuz!, 0x7f)).toBe(240);
    expect(decodeFloatBits(F.float8e5m2!, 0x7b)).toBe(57344);
    expect(decodeFloatBits(F.float8e5m2fnuz!, 0x7f)).toBe(57344);
    expect(decodeFloatBits(F.float4e2m1!, 0x7)).toBe(6);
    expect(encodeFloatBits(F.float8e4m3fn!, 464, false)).toBe(0x7e); // tie rounds to the even 448
    expect(encodeFloatBits(F.float8e4m3fn!, 465, false)).toBe(0x7f); // NaN without saturation
    expect(encodeFloatBits(F.float8e4m3fn!, Infinity, true)).toBe(0x7e);
    expect(encodeFloatBits(F.float8e5m2!, -Infinity, false)).toBe(0xfc);
    expect(encodeFloatBits(F.float8e5m2!, 1e6, true)).toBe(0x7b);
    expect(encodeFloatBits(F.float8e4m3fnuz!, -0, true)).toBe(0); // no negative zero
    expect(encodeFloatBits(F.float8e4m3fnuz!, 1e6, false)).toBe(0x80); // the one NaN
    expect(encodeFloatBits(F.float4e2m1!, 0.25, true)).toBe(0); // tie to even
    expect(encodeFloatBits(F.float4e2m1!, NaN, true)).toBe(0);
    expect(encodeFloatBits(F.float8e4m3fn!, 2 ** -9, true)).toBe(0x01); // smallest subnormal
    expect(encodeFloatBits(F.float8e4m3fn!, 2 ** -10, true)).toBe(0); // half of it ties to zero
  });
  it('float8e8m0 rounds the exponent by round_mode and saturates at 2^127', () => {
    expect(floatToE8m0(1.1, true, 'up')).toBe(0x80);
    expect(floatToE8m0(1.1, true, 'down')).toBe(0x7f);
    expect(floatToE8m0(1.6, true, 'nearest')).toBe(0x80);
    expect(floatToE8m0(0, true, 'up')).toBe(0);
    expect(floatToE8m0(Infinity, true, 'up')).toBe(0xfe);
    expect(floatToE8m0(Infinity, false, 'up')).toBe(0xff);
    expect(e8m0ToFloat(0x7f)).toBe(1);
    expect(Number.isNaN(e8m0ToFloat(0xff))).toBe(true);
  });
  it('bfloat16 rounds to nearest even', () => {
    expect(floatToBfloat16(1 + 2 ** -8)).toBe(0x3f80);
    expect(floatToBfloat16(1 + 3 * 2 ** -8)).toBe(0x3f82);
    expect(bfloat16ToFloat(0xc040)).toBe(-3);
    expect(Number.isNaN(bfloat16ToFloat(floatToBfloat16(NaN)))).toBe(true);
  });
});

describe('sub-byte integers', () => {
  it('unpack low bits first, sign-extending signed types', () => {
    expect(Array.from(unpackSubByte('int4', [0x8f, 0x07], 3))).toEqual([-1, -8, 7]);
    expect(Array.from(unpackSubByte('uint2', [0b11100100], 4))).toEqual([0, 1, 2, 3]);
    expect(Array.from(unpackSubByte('float4e2m1', [0xa7], 2))).toEqual([0x7, 0xa]);
  });
  it('casts wrap like the wider integers', () => {
    expect([-9, 8, 15, 16].map((v) => encodeElement('int4', v))).toEqual([7, -8, -1, 0]);
    expect([-1, 4, 2.9].map((v) => encodeElement('uint2', v))).toEqual([3, 0, 2]);
  });
});
