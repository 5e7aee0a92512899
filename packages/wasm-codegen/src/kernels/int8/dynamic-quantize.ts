// DynamicQuantizeLinear in two vector passes over x: the range (f32x4.pmin/pmax from 0, so
// min(x, 0) and max(x, 0) come out directly; pmin/pmax skip NaN, so a mask of NaN lanes rides
// along and a NaN anywhere makes both ends NaN, as the definition's reductions would), the scale
// and zero point in scalar steps exactly as the op's definition orders them, then x / scale
// rounded to uint8 by round-to-8bit.ts (half to even, plus the zero point, saturated; NaN → 0)
// and narrowed to 16 bytes per store. Division, not a reciprocal multiply, so every byte equals
// QuantizeLinear's. Run-time dims: one path for static and symbolic shapes.
import { registerLowering } from '../../lowering.js';
import { Expr, Local } from '../../wasm-builder.js';
import { narrowTo8Bit, roundTo8Bit } from './round-to-8bit.js';

registerLowering({
  ops: ['DynamicQuantizeLinear'],
  runTimeDims: true,
  lower(ctx) {
    const { fn } = ctx;
    const x = ctx.inputs[0]!;
    const [y, scaleOut, zpOut] = ctx.outputs;
    const n = fn.local('i32'), n16 = fn.local('i32'), k = fn.local('i32'), src = fn.local('i32'), dst = fn.local('i32');
    const lo = fn.local('v128'), hi = fn.local('v128'), nan = fn.local('v128'), v = fn.local('v128'), S = fn.local('v128');
    const flo = fn.local('f32'), fhi = fn.local('f32'), f = fn.local('f32'), scale = fn.local('f32'), zp = fn.local('i32');
    const lanes = (op: 'fmin' | 'fmax', a: Local) => [0, 1, 2, 3].map((l) => fn.vextract(a.get(), l)).reduce((p, c) => fn[op](p, c));
    const rounding = roundTo8Bit(fn, false, zp.get());
    const q = (offset: number) => rounding.round(fn.vdiv(fn.vload(src.get(), offset), S.get()));
    const qScalar = (e: Expr) => fn.i32FromF32(fn.fmax(fn.fmin(fn.fadd(fn.num('f32', 'nearest', fn.fdiv(e, scale.get())), fn.f32FromI32(zp.get())), fn.f32(255)), fn.f32(0)));
    return [
      n.set(fn.i(x.count())), n16.set(fn.and(n.get(), -16)),
      src.set(fn.i(x.addr())),
      lo.set(fn.vzero()), hi.set(fn.vzero()), nan.set(fn.vzero()),
      fn.for(k, 0, fn.and(n.get(), -4), 4, [
        v.set(fn.vload(fn.add(fn.shl(k.get(), 2), src.get()))),
        lo.set(fn.vpmin(lo.get(), v.get())), hi.set(fn.vpmax(hi.get(), v.get())),
        nan.set(fn.vor(nan.get(), fn.simd('f32x4', 'ne', v.get(), v.get()))),
      ]),
      flo.set(lanes('fmin', lo)), fhi.set(lanes('fmax', hi)),
      fn.if(fn.simd('v128', 'any_true', nan.get()), [flo.set(fn.f32(NaN)), fhi.set(fn.f32(NaN))]),
      fn.for(k, fn.and(n.get(), -4), n.get(), 1, [
        f.set(fn.loadF32(fn.add(fn.shl(k.get(), 2), src.get()))),
        flo.set(fn.fmin(flo.get(), f.get())), fhi.set(fn.fmax(fhi.get(), f.get())),
      ]),
      scale.set(fn.fdiv(fn.fsub(fhi.get(), flo.get()), fn.f32(255))),
      zp.set(fn.i32FromF32(fn.fmax(fn.fmin(fn.num('f32', 'nearest', fn.fsub(fn.f32(0), fn.fdiv(flo.get(), scale.get()))), fn.f32(255)), fn.f32(0)))),
      fn.storeF32(scaleOut!.addr(), scale.get()),
      fn.store8(zpOut!.addr(), zp.get()),
      S.set(fn.vsplat(scale.get())),
      ...rounding.prologue,
      dst.set(fn.i(y!.addr())),
      fn.for(k, 0, n16.get(), 16, [
        fn.vstore(fn.add(dst.get(), k.get()), narrowTo8Bit(fn, [q(0), q(16), q(32), q(48)], false)),
        src.set(fn.add(src.get(), 64)),
      ]),
      fn.for(k, n16.get(), n.get(), 1, [
        fn.store8(fn.add(dst.get(), k.get()), qScalar(fn.loadF32(src.get()))),
        src.set(fn.add(src.get(), 4)),
      ]),
    ];
  },
});
