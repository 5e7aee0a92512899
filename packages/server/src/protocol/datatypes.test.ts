import { describe, expect, it } from 'vitest';
import { bf16ToFloat, floatToBf16, floatToHalf, halfToFloat } from './datatypes.js';

describe('FP16 and BF16 conversions', () => {
  it('round-trips every finite half exactly', () => {
    for (let h = 0; h < 0x10000; h++) {
      const x = halfToFloat(h);
      if (Number.isNaN(x)) continue;
      expect(floatToHalf(x), `0x${h.toString(16)}`).toBe(h === 0x8000 ? 0x8000 : h);
    }
  });
  it('rounds to nearest even and overflows to infinity', () => {
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00); // halfway: even stays
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(halfToFloat(floatToHalf(70000))).toBe(Infinity);
    expect(Number.isNaN(halfToFloat(floatToHalf(NaN)))).toBe(true);
  });
  it('converts bfloat16 by rounding the float32 bits', () => {
    expect(bf16ToFloat(floatToBf16(1.5))).toBe(1.5);
    expect(bf16ToFloat(floatToBf16(Math.PI))).toBeCloseTo(Math.PI, 2);
  });
});
