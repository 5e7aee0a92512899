// float32 lanes → 8-bit integers the way onnxruntime quantizes (round half to even, add the zero
// point, saturate), in five vector instructions instead of f32x4.nearest + i32x4.trunc_sat (about
// eight on x64, where trunc_sat has no single instruction):
//   1. clamp v to [lo - zp, hi - zp] (pmax/pmin: one instruction each). The bounds are whole
//      numbers, so clamping before rounding gives what saturating after rounding would; and NaN
//      becomes lo - zp (pmax keeps its first operand when the comparison fails), as MLAS's
//      max/min-then-convert turns NaN into the range's low end.
//   2. add 1.5·2^23: the float32 neighbours of the sum are whole numbers, so the addition itself
//      rounds half to even (|v| ≤ 383 here, far inside the 2^22 this needs);
//   3. the integer is the sum's bits minus the bits of 1.5·2^23, and the zero point joins that
//      subtraction.
// Clamping first also keeps sums beyond 2^31 from wrapping when the zero point is added. A caller
// that knows |v| < 2^22 for every lane (a kernel with constant weights and scales) and
// narrows with saturation afterwards may skip step 1 (`maxAbs`): the lanes are then round(v) + zp, unclamped,
// and the narrowing clamps them.
import { quantRange } from '@onnx2wasm/ir';
import { Expr, FnBuilder, I32 } from '../../wasm-builder.js';

const MAGIC = 12582912; // 1.5 · 2^23
const MAGIC_BITS = 0x4b400000;

export interface RoundTo8Bit {
  /** Sets the bound and offset vectors; run once before `round` is used (zp may be a run-time value). */
  prologue: Expr[];
  /** i32x4 lanes of saturate(round_half_even(v) + zp), v an f32x4 (not saturated under `maxAbs`). */
  round(v: Expr): Expr;
  /** onnxruntime's requantization of int32 sums: round(float32(sum) · mult), mult an f32x4. */
  requantize(sum: Expr, mult: Expr): Expr;
}

/** `maxAbs`: the largest |v| a caller that narrows with saturation will pass, if it is known. */
export function roundTo8Bit(fn: FnBuilder, signed: boolean, zp: I32, maxAbs = Infinity): RoundTo8Bit {
  const clamp = !(maxAbs < 2 ** 22);
  const [lo, hi] = quantRange(signed ? 'int8' : 'uint8');
  const z = fn.local('i32'), low = fn.local('v128'), high = fn.local('v128'), offset = fn.local('v128');
  const bound = (b: number) => fn.vsplat(fn.f32FromI32(fn.sub(b, z.get())));
  const round = (v: Expr) => fn.simd('i32x4', 'sub', fn.vadd(clamp ? fn.vpmin(fn.vpmax(low.get(), v), high.get()) : v, fn.vconst(MAGIC)), offset.get());
  return {
    prologue: [
      z.set(fn.i(zp)),
      ...(clamp ? [low.set(bound(lo)), high.set(bound(hi))] : []),
      offset.set(fn.visplat(fn.sub(MAGIC_BITS, z.get()))),
    ],
    round,
    requantize: (sum, mult) => round(fn.vmul(fn.vfromI32(sum), mult)),
  };
}

/** Four i32x4 vectors of 8-bit values (or values the narrowing saturates) as 16 bytes, in lane order. */
export function narrowTo8Bit(fn: FnBuilder, [a, b, c, d]: [Expr, Expr, Expr, Expr], signed: boolean): Expr {
  return fn.simd('i8x16', `narrow_i16x8_${signed ? 's' : 'u'}`, fn.simd('i16x8', 'narrow_i32x4_s', a, b), fn.simd('i16x8', 'narrow_i32x4_s', c, d));
}
