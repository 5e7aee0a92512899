// Every ONNX element type as a wasm scalar: how to load, store and convert it. Generic kernels
// (integer and float64 elementwise, Cast, Where, comparisons, indexing) are written once over this.
// bool is an i32 0/1; float16 is computed as f32 and converted on load/store; the low-precision
// types are in low-precision-types.ts.
import { DType, E8m0Rounding, PACKED_BITS } from '@onnx2wasm/ir';
import { KernelHost } from '../../lowering.js';
import { Expr, FnBuilder, I32 } from '../../wasm-builder.js';
import { lowPrecisionType } from './low-precision-types.js';
import type { ScalarType, WasmScalar } from './scalar-type.js';

export type { ScalarType, WasmScalar };

function t(dtype: DType, wasm: WasmScalar, bytes: number, signed: boolean, load: ScalarType['load'], store: ScalarType['store']): ScalarType {
  return { dtype, wasm, bytes, float: wasm === 'f32' || wasm === 'f64', signed, load, store };
}

const TYPES: Record<string, ScalarType> = {
  float32: t('float32', 'f32', 4, true, (c, a, o) => c.fn.loadF32(a, o), (c, a, v, o) => c.fn.storeF32(a, v, o)),
  float64: t('float64', 'f64', 8, true, (c, a, o) => c.fn.loadF64(a, o), (c, a, v, o) => c.fn.storeF64(a, v, o)),
  float16: t('float16', 'f32', 2, true,
    (c, a, o) => c.fn.callValue(halfToFloat(c), [c.fn.load16U(a, o)], 'f32'),
    (c, a, v, o) => c.fn.store16(a, c.fn.callValue(floatToHalf(c), [v], 'i32'), o)),
  int8: t('int8', 'i32', 1, true, (c, a, o) => c.fn.load8S(a, o), (c, a, v, o) => c.fn.store8(a, v, o)),
  uint8: t('uint8', 'i32', 1, false, (c, a, o) => c.fn.load8U(a, o), (c, a, v, o) => c.fn.store8(a, v, o)),
  bool: t('bool', 'i32', 1, false, (c, a, o) => c.fn.load8U(a, o), (c, a, v, o) => c.fn.store8(a, v, o)),
  int16: t('int16', 'i32', 2, true, (c, a, o) => c.fn.load16S(a, o), (c, a, v, o) => c.fn.store16(a, v, o)),
  uint16: t('uint16', 'i32', 2, false, (c, a, o) => c.fn.load16U(a, o), (c, a, v, o) => c.fn.store16(a, v, o)),
  int32: t('int32', 'i32', 4, true, (c, a, o) => c.fn.loadI32(a, o), (c, a, v, o) => c.fn.storeI32(a, v, o)),
  uint32: t('uint32', 'i32', 4, false, (c, a, o) => c.fn.loadI32(a, o), (c, a, v, o) => c.fn.storeI32(a, v, o)),
  int64: t('int64', 'i64', 8, true, (c, a, o) => c.fn.loadI64(a, o), (c, a, v, o) => c.fn.storeI64(a, v, o)),
  uint64: t('uint64', 'i64', 8, false, (c, a, o) => c.fn.loadI64(a, o), (c, a, v, o) => c.fn.storeI64(a, v, o)),
};

/** The ScalarType of dtype; Cast's `saturate` and `round_mode` only change float8 stores. */
export function scalarType(dtype: DType, saturate = true, roundMode: E8m0Rounding = 'up'): ScalarType | undefined {
  return TYPES[dtype] ?? lowPrecisionType(dtype, saturate, roundMode);
}

/** IEEE half bits (i32) → f32, a shared helper function. */
function halfToFloat(ctx: KernelHost): string {
  return ctx.helper('f16_to_f32', (fn) => {
    const h = fn.param(0);
    const e = fn.local('i32'), m = fn.local('i32'), s = fn.local('i32');
    fn.finish([
      s.set(fn.shl(fn.and(h.get(), 0x8000), 16)),
      e.set(fn.and(fn.num('i32', 'shr_u', h.get(), fn.i(10)), 0x1f)),
      m.set(fn.and(h.get(), 0x3ff)),
      // subnormal halves: value = m * 2^-24, exact in f32
      fn.if(fn.eqz(e.get()), [fn.return(fn.num('f32', 'copysign', fn.fmul(fn.f32FromI32(m.get()), fn.f32(2 ** -24)), fn.f32FromBits(s.get())))]),
      // Inf/NaN keep the mantissa; normal numbers rebias the exponent by 112
      fn.if(fn.eq(e.get(), 31), [fn.return(fn.f32FromBits(fn.or(fn.or(s.get(), 0x7f800000), fn.shl(m.get(), 13))))]),
      fn.return(fn.f32FromBits(fn.or(s.get(), fn.or(fn.shl(fn.add(e.get(), 112), 23), fn.shl(m.get(), 13))))),
    ], 'f32');
  }, ['i32']);
}

/** f32 → IEEE half bits (i32), round to nearest even, a shared helper function. */
function floatToHalf(ctx: KernelHost): string {
  return ctx.helper('f32_to_f16', (fn) => {
    const x = fn.param(0);
    const bits = fn.local('i32'), sign = fn.local('i32'), e = fn.local('i32'), m = fn.local('i32'), shift = fn.local('i32'), half = fn.local('i32'), rem = fn.local('i32'), mid = fn.local('i32');
    const roundEven = (value: Expr, r: Expr, midpoint: Expr): Expr[] => [
      half.set(value), rem.set(r), mid.set(midpoint),
      fn.if(fn.or(fn.gtS(rem.get(), mid.get()), fn.and(fn.eq(rem.get(), mid.get()), fn.and(half.get(), 1))), [half.set(fn.add(half.get(), 1))]),
    ];
    fn.finish([
      bits.set(fn.f32Bits(x.get())),
      sign.set(fn.and(fn.num('i32', 'shr_u', bits.get(), fn.i(16)), 0x8000)),
      e.set(fn.sub(fn.and(fn.num('i32', 'shr_u', bits.get(), fn.i(23)), 0xff), 112)),
      m.set(fn.and(bits.get(), 0x7fffff)),
      // NaN / Inf
      fn.if(fn.eq(fn.add(e.get(), 112), 0xff), [fn.return(fn.or(sign.get(), fn.or(0x7c00, fn.selectI(fn.ne(m.get(), 0), 0x200, 0))))]),
      fn.if(fn.geS(e.get(), 31), [fn.return(fn.or(sign.get(), 0x7c00))]),
      fn.if(fn.leS(e.get(), 0), [
        fn.if(fn.ltS(e.get(), -10), [fn.return(sign.get())]),
        m.set(fn.or(m.get(), 0x800000)),
        shift.set(fn.sub(14, e.get())),
        ...roundEven(fn.num('i32', 'shr_u', m.get(), shift.get()), fn.and(m.get(), fn.sub(fn.shl(1, shift.get()), 1)), fn.shl(1, fn.sub(shift.get(), 1))),
        fn.return(fn.or(sign.get(), half.get())),
      ]),
      ...roundEven(fn.or(fn.shl(e.get(), 10), fn.num('i32', 'shr_u', m.get(), fn.i(13))), fn.and(m.get(), 0x1fff), fn.i(0x1000)),
      fn.return(fn.or(sign.get(), half.get())),
    ], 'i32');
  }, ['f32'] as ('i32' | 'f32' | 'v128')[]);
}

/**
 * Float to signed integer as onnxruntime on x86 gives it (ONNX leaves it undefined): truncation,
 * and the "integer indefinite" value INT_MIN for NaN, ±Inf and anything out of range; narrower
 * targets then wrap (300 → 44 as uint8, NaN → 0). Constant folding (IR Cast) agrees.
 */
function truncIndefinite(fn: FnBuilder, from: ScalarType, to64: boolean, v: Expr): Expr {
  const t = fn.local(from.wasm as 'f32' | 'f64');
  const limit = to64 ? 2 ** 63 : 2 ** 31;
  const inRange = fn.and(fn.num(from.wasm, 'ge', t.get(), fn.constOf(from.wasm, -limit)), fn.num(from.wasm, 'lt', t.get(), fn.constOf(from.wasm, limit)));
  const type = to64 ? 'i64' : 'i32';
  return fn.select(inRange, fn.num(type, `trunc_s_sat.${from.wasm as 'f32' | 'f64'}`, t.tee(v)), fn.constOf(type, to64 ? -(2n ** 63n) : -(2 ** 31)));
}

/** ONNX Cast semantics between wasm scalars: floats truncate toward zero (see truncIndefinite), bool is x != 0. */
export function convert(fn: FnBuilder, from: ScalarType, to: ScalarType, v: Expr): Expr {
  if (to.dtype === 'bool') {
    if (from.wasm === 'i32') return fn.ne(v, 0);
    if (from.wasm === 'i64') return fn.num('i64', 'ne', v, fn.constOf('i64', 0));
    return fn.num(from.wasm, 'ne', v, fn.constOf(from.wasm, 0));
  }
  let out: Expr;
  if (from.wasm === to.wasm) out = v;
  else if (to.wasm === 'f32' || to.wasm === 'f64') {
    if (from.wasm === 'f32' || from.wasm === 'f64') out = fn.num(to.wasm, from.wasm === 'f32' ? 'promote' : 'demote', v);
    else out = fn.num(to.wasm, `${from.signed ? 'convert_s' : 'convert_u'}.${from.wasm}`, v);
  } else if (from.float) {
    // Narrow unsigned targets wrap like numpy after a signed truncation.
    const signed = to.signed || to.bytes < 4;
    out = signed ? truncIndefinite(fn, from, to.wasm === 'i64', v) : fn.num(to.wasm, `trunc_u_sat.${from.wasm as 'f32' | 'f64'}`, v);
  } else if (to.wasm === 'i64') out = fn.num('i64', from.signed ? 'extend_s' : 'extend_u', v);
  else out = fn.num('i32', 'wrap', v);
  // Narrow integer targets keep only their bits; loads sign- or zero-extend again.
  const bits = PACKED_BITS[to.dtype];
  if (bits && !to.float && from.dtype !== 'bool') {
    return to.signed ? fn.num('i32', 'shr_s', fn.shl(out, 32 - bits), fn.i(32 - bits)) : fn.and(out, (1 << bits) - 1);
  }
  if (!to.float && to.bytes < 4 && from.dtype !== 'bool') {
    if (to.signed) out = fn.num('i32', to.bytes === 1 ? 'extend8_s' : 'extend16_s', out);
    else out = fn.and(out, to.bytes === 1 ? 0xff : 0xffff);
  }
  return out;
}

