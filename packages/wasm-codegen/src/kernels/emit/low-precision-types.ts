// Low-precision element types as wasm scalars (see ir/low-precision.ts for the representation:
// one element per byte, or per 16 bits for bfloat16). bfloat16, float8 and float4e2m1 compute as
// f32 and convert on load/store with shared helper functions; int4/int2 are i32 loaded from one
// byte. Stores to float8 follow ONNX Cast: round to nearest even, then saturate to ±max, or
// without `saturate` give Inf (e5m2) or NaN.
import { DType, E8m0Rounding, FLOAT_FORMATS, FloatFormat, maxCode, signBit } from '@onnx2wasm/ir';
import { KernelHost } from '../../lowering.js';
import { Expr, FnBuilder } from '../../wasm-builder.js';
import type { ScalarType } from './scalar-type.js';

const NAN_BITS = 0x7fc00000;

/** 2^k as an f32 expression, for k in the normal f32 range. */
function pow2(fn: FnBuilder, k: Expr): Expr {
  return fn.f32FromBits(fn.shl(fn.add(k, 127), 23));
}

/** Bit code (i32) → f32 value of format f. */
function decodeHelper(ctx: KernelHost, dtype: DType, f: FloatFormat): string {
  return ctx.helper(`${dtype}_to_f32`, (fn) => {
    const c = fn.param(0);
    const e = fn.local('i32'), m = fn.local('i32'), v = fn.local('f32');
    const sb = signBit(f), nan = fn.f32FromBits(fn.i(NAN_BITS));
    const body: Expr[] = [
      e.set(fn.num('i32', 'shr_u', fn.and(c.get(), sb - 1), fn.i(f.mant))),
      m.set(fn.and(c.get(), (1 << f.mant) - 1)),
    ];
    if (f.specials === 'fnuz') body.push(fn.if(fn.eq(c.get(), sb), [fn.return(nan)]));
    if (f.specials === 'fn') body.push(fn.if(fn.eq(fn.and(c.get(), sb - 1), sb - 1), [fn.return(nan)]));
    if (f.specials === 'ieee') {
      body.push(fn.if(fn.eq(e.get(), (1 << f.exp) - 1), [
        fn.return(fn.select(m.get(), fn.f32FromBits(fn.i(NAN_BITS)), fn.f32FromBits(fn.or(fn.shl(fn.and(c.get(), sb), 31 - f.exp - f.mant), 0x7f800000)))),
      ]));
    }
    // Subnormals (e = 0) share the exponent of e = 1 without the implicit leading one.
    body.push(
      v.set(fn.fmul(
        fn.f32FromI32(fn.selectI(e.get(), fn.or(m.get(), 1 << f.mant), m.get())),
        pow2(fn, fn.sub(fn.selectI(e.get(), e.get(), 1), f.bias + f.mant)),
      )),
      fn.return(fn.select(fn.and(c.get(), sb), fn.fneg(v.get()), v.get())),
    );
    fn.finish(body, 'f32');
  }, ['i32']);
}

/** f32 → bit code (i32) of format f, round to nearest even. */
function encodeHelper(ctx: KernelHost, dtype: DType, f: FloatFormat, saturate: boolean): string {
  return ctx.helper(`f32_to_${dtype}${saturate ? '_sat' : ''}`, (fn) => {
    const x = fn.param(0);
    const bits = fn.local('i32'), abs = fn.local('i32'), sign = fn.local('i32'), e = fn.local('i32'), code = fn.local('i32');
    const sb = signBit(f), top = f.exp + f.mant, emin = 1 - f.bias, max = maxCode(f);
    const nanCode = (): Expr => (f.specials === 'fnuz' ? fn.i(sb) : f.specials === 'none' ? fn.i(0) : fn.or(fn.shl(sign.get(), top), sb - 1));
    const a = (): Expr => fn.f32FromBits(abs.get());
    let overflow: Expr[];
    if (saturate || f.specials === 'none') overflow = [code.set(fn.i(max))];
    else if (f.specials === 'ieee') overflow = [code.set(fn.i(sb - (1 << f.mant)))];
    else overflow = [fn.return(nanCode())];
    fn.finish([
      bits.set(fn.f32Bits(x.get())),
      abs.set(fn.and(bits.get(), 0x7fffffff)),
      sign.set(fn.num('i32', 'shr_u', bits.get(), fn.i(31))),
      fn.if(fn.gtS(abs.get(), 0x7f800000), [fn.return(nanCode())]),
      fn.if(fn.eq(abs.get(), 0x7f800000), [code.set(fn.i(max + 1))], [
        fn.if(fn.ltS(abs.get(), (emin + 127) << 23),
          // below the smallest normal: multiples of 2^(emin - mant)
          [code.set(fn.i32FromF32(fn.num('f32', 'nearest', fn.fmul(a(), fn.f32(2 ** (f.mant - emin))))))],
          [
            e.set(fn.sub(fn.num('i32', 'shr_u', abs.get(), fn.i(23)), 127)),
            // the mantissa rounded to `mant` bits; a carry to 2^(mant+1) moves into the exponent
            code.set(fn.add(
              fn.shl(fn.add(e.get(), f.bias), f.mant),
              fn.sub(fn.i32FromF32(fn.num('f32', 'nearest', fn.fmul(a(), pow2(fn, fn.sub(f.mant, e.get()))))), 1 << f.mant),
            )),
          ]),
      ]),
      fn.if(fn.gtS(code.get(), max), overflow),
      ...(f.specials === 'fnuz' ? [fn.if(fn.eqz(code.get()), [fn.return(fn.i(0))])] : []),
      fn.return(fn.or(code.get(), fn.shl(sign.get(), top))),
    ], 'i32');
  }, ['f32']);
}

/** f32 → bfloat16 bits, round to nearest even; NaN stays a quiet NaN. */
function bfloat16Helper(ctx: KernelHost): string {
  return ctx.helper('f32_to_bf16', (fn) => {
    const x = fn.param(0);
    const bits = fn.local('i32');
    fn.finish([
      bits.set(fn.f32Bits(x.get())),
      fn.if(fn.gtS(fn.and(bits.get(), 0x7fffffff), 0x7f800000), [fn.return(fn.or(fn.num('i32', 'shr_u', bits.get(), fn.i(16)), 0x40))]),
      fn.return(fn.num('i32', 'shr_u', fn.add(fn.add(bits.get(), 0x7fff), fn.and(fn.num('i32', 'shr_u', bits.get(), fn.i(16)), 1)), fn.i(16))),
    ], 'i32');
  }, ['f32']);
}

/** float8e8m0 code → 2^(code - 127) (code 0 is the f32 subnormal 2^-127); 0xff is NaN. */
function e8m0Decoder(ctx: KernelHost): string {
  return ctx.helper('float8e8m0_to_f32', (fn) => {
    const c = fn.param(0);
    fn.finish([
      fn.if(fn.eq(c.get(), 0xff), [fn.return(fn.f32FromBits(fn.i(NAN_BITS)))]),
      fn.return(fn.f32FromBits(fn.selectI(c.get(), fn.shl(c.get(), 23), fn.i(0x400000)))),
    ], 'f32');
  }, ['i32']);
}

/** f32 → float8e8m0: the exponent field, rounded by `mode` on the mantissa (ir floatToE8m0). */
function e8m0Encoder(ctx: KernelHost, saturate: boolean, mode: E8m0Rounding): string {
  return ctx.helper(`f32_to_float8e8m0_${mode}${saturate ? '_sat' : ''}`, (fn) => {
    const x = fn.param(0);
    const bits = fn.local('i32'), e = fn.local('i32'), m = fn.local('i32');
    const overflow = saturate ? 0xfe : 0xff;
    const round: Expr[] = [];
    if (mode === 'up') round.push(fn.if(m.get(), [e.set(fn.add(e.get(), 1))]));
    if (mode === 'nearest') {
      round.push(fn.if(fn.and(fn.ne(fn.and(m.get(), 0x400000), 0), fn.ne(fn.or(fn.and(m.get(), 0x3fffff), fn.and(e.get(), 1)), 0)), [e.set(fn.add(e.get(), 1))]));
    }
    fn.finish([
      bits.set(fn.and(fn.f32Bits(x.get()), 0x7fffffff)),
      fn.if(fn.gtS(bits.get(), 0x7f800000), [fn.return(fn.i(0xff))]),
      fn.if(fn.eq(bits.get(), 0x7f800000), [fn.return(fn.i(overflow))]),
      e.set(fn.num('i32', 'shr_u', bits.get(), fn.i(23))),
      m.set(fn.and(bits.get(), 0x7fffff)),
      ...round,
      fn.return(fn.selectI(fn.gtS(e.get(), 0xfe), overflow, e.get())),
    ], 'i32');
  }, ['f32']);
}

function scalar(dtype: DType, wasm: 'i32' | 'f32', bytes: number, signed: boolean, load: ScalarType['load'], store: ScalarType['store']): ScalarType {
  return { dtype, wasm, bytes, float: wasm === 'f32', signed, load, store };
}

/** The ScalarType of a low-precision dtype; `saturate` selects the float8 overflow rule of Cast. */
export function lowPrecisionType(dtype: DType, saturate: boolean, roundMode: E8m0Rounding): ScalarType | undefined {
  if (dtype === 'float8e8m0') {
    return scalar(dtype, 'f32', 1, false,
      (c, a, o) => c.fn.callValue(e8m0Decoder(c), [c.fn.load8U(a, o)], 'f32'),
      (c, a, v, o) => c.fn.store8(a, c.fn.callValue(e8m0Encoder(c, saturate, roundMode), [v], 'i32'), o));
  }
  if (dtype === 'bfloat16') {
    return scalar(dtype, 'f32', 2, true,
      (c, a, o) => c.fn.f32FromBits(c.fn.shl(c.fn.load16U(a, o), 16)),
      (c, a, v, o) => c.fn.store16(a, c.fn.callValue(bfloat16Helper(c), [v], 'i32'), o));
  }
  const f = FLOAT_FORMATS[dtype];
  if (f) {
    return scalar(dtype, 'f32', 1, true,
      (c, a, o) => c.fn.callValue(decodeHelper(c, dtype, f), [c.fn.load8U(a, o)], 'f32'),
      (c, a, v, o) => c.fn.store8(a, c.fn.callValue(encodeHelper(c, dtype, f, saturate), [v], 'i32'), o));
  }
  if (dtype === 'int4' || dtype === 'int2') return scalar(dtype, 'i32', 1, true, (c, a, o) => c.fn.load8S(a, o), (c, a, v, o) => c.fn.store8(a, v, o));
  if (dtype === 'uint4' || dtype === 'uint2') return scalar(dtype, 'i32', 1, false, (c, a, o) => c.fn.load8U(a, o), (c, a, v, o) => c.fn.store8(a, v, o));
  return undefined;
}
