// QuantizeLinear / DequantizeLinear over x viewed as [outer, D, inner]: one scalar loop nest with
// the scale / zero_point index o·so + floor(d / block)·sd + i·si (strides 0 on broadcast parts).
// Quantizing rounds x / scale half to even (f32.nearest), adds the zero point and saturates;
// float8/float4 targets store x / scale + zero_point through their rounding conversion.
// Per tensor between float32 and int8/uint8 (the activations of quantized models) in vectors with
// the same arithmetic: quantizing rounds 16 elements per step through round-to-8bit.ts.
import { hasSaturate, quantLayout, quantRange, quantizeAttrs } from '@onnx2wasm/ir';
import { registerLowering, staticView, unsupported } from '../../lowering.js';
import { Expr } from '../../wasm-builder.js';
import { ScalarType, scalarType } from '../emit/scalar-types.js';
import { narrowTo8Bit, roundTo8Bit } from '../int8/round-to-8bit.js';

registerLowering({
  ops: ['QuantizeLinear', 'DequantizeLinear'],
  lower(context) {
    const ctx = staticView(context);
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!, scale = ctx.inputs[1]!, zp = ctx.inputs[2], y = ctx.outputs[0]!;
    const quantize = node.op === 'QuantizeLinear';
    // QuantizeLinear carries `saturate` where the target has an overflow rule for it (float8, float4).
    const saturate = !(quantize && hasSaturate(y.dtype)) || quantizeAttrs(node).saturate;
    const xt = scalarType(x.dtype), yt = scalarType(y.dtype, saturate), zt = zp ? scalarType(zp.dtype) : undefined;
    // float8/float4 values load as f32, integers as i32.
    const asF32 = (t: ScalarType, e: Expr): Expr => (t.float ? e : fn.f32FromI32(e));
    if (!xt || !yt || (zp && !zt)) unsupported(ctx, `dtypes ${x.dtype} → ${y.dtype}`);
    const L = quantLayout(node, x.dims, scale.dims);
    const eightBit = (t: string) => t === 'int8' || t === 'uint8';
    const simd = L.so === 0 && L.sd === 0 && L.si === 0 && scale.dtype === 'float32' && (!zp || eightBit(zp.dtype))
      && (quantize ? x.dtype === 'float32' && eightBit(y.dtype) : eightBit(x.dtype) && y.dtype === 'float32');
    const o = fn.local('i32'), d = fn.local('i32'), i = fn.local('i32'), k = fn.local('i32'), p = fn.local('i32');
    const s = fn.local('f32'), z = fn.local('f32'), v = fn.local('f32');
    const blockIndex = L.block === 1 ? d.get() : fn.divU(d.get(), L.block);
    const element: Expr[] = [
      p.set(fn.add(fn.add(fn.mul(o.get(), L.so), fn.mul(blockIndex, L.sd)), fn.mul(i.get(), L.si))),
      s.set(fn.loadF32(fn.shl(p.get(), 2), scale.addr)),
      z.set(zp ? asF32(zt!, zt!.load(ctx, fn.mul(p.get(), zt!.bytes), zp.addr)) : fn.f32(0)),
    ];
    const xAt = fn.mul(k.get(), xt!.bytes), yAt = () => fn.mul(k.get(), yt!.bytes);
    if (quantize && yt!.float) {
      element.push(yt!.store(ctx, yAt(), fn.fadd(fn.fdiv(xt!.load(ctx, xAt, x.addr), s.get()), z.get()), y.addr));
    } else if (quantize) {
      const [lo, hi] = quantRange(y.dtype);
      // NaN saturates to lo (v > lo fails), as the vector path and onnxruntime's kernel do.
      element.push(
        v.set(fn.fmin(fn.fadd(fn.num('f32', 'nearest', fn.fdiv(xt!.load(ctx, xAt, x.addr), s.get())), z.get()), fn.f32(hi))),
        yt!.store(ctx, yAt(), fn.i32FromF32(fn.fselect(fn.fgt(v.get(), fn.f32(lo)), v.get(), fn.f32(lo))), y.addr),
      );
    } else {
      element.push(yt!.store(ctx, yAt(), fn.fmul(fn.fsub(asF32(xt!, xt!.load(ctx, xAt, x.addr)), z.get()), s.get()), y.addr));
    }
    element.push(k.set(fn.add(k.get(), 1)));
    if (simd) {
      // All elements share scale[0] (and zp[0]): vectors, then the scalar element code for the tail.
      const n = L.outer * L.D * L.inner, n4 = n - (n % 4), n16 = n - (n % 16);
      const signed = (quantize ? y.dtype : x.dtype) === 'int8';
      const S = fn.local('v128'), Z = fn.local('v128'), zi = fn.local('i32');
      const zpLoad = () => (zp ? zt!.load(ctx, 0, zp.addr) : fn.i(0));
      if (quantize) {
        const rounding = roundTo8Bit(fn, signed, zi.get());
        const q = (at: Expr, offset = 0) => rounding.round(fn.vdiv(fn.vload(fn.shl(at, 2), x.addr + 4 * offset), S.get()));
        return [
          o.set(fn.i(0)), i.set(fn.i(0)), p.set(fn.i(0)),
          S.set(fn.vsplat(fn.loadF32(0, scale.addr))),
          zi.set(zpLoad()),
          ...rounding.prologue,
          // 16 elements per step: four rounded vectors narrowed into one 16-byte store.
          fn.for(k, 0, n16, 16, [fn.vstore(fn.add(k.get(), y.addr), narrowTo8Bit(fn, [q(k.get()), q(k.get(), 4), q(k.get(), 8), q(k.get(), 12)], signed))]),
          fn.for(k, n16, n4, 4, [fn.vstore8x4(k.get(), q(k.get()), signed, y.addr)]),
          k.set(fn.i(n4)),
          fn.for(d, n4, n, 1, element),
        ];
      }
      return [
        o.set(fn.i(0)), i.set(fn.i(0)), p.set(fn.i(0)),
        S.set(fn.vsplat(fn.loadF32(0, scale.addr))),
        Z.set(fn.vsplat(fn.f32FromI32(zpLoad()))),
        fn.for(k, 0, n4, 4, [fn.vstore(fn.shl(k.get(), 2), fn.vmul(fn.vsub(fn.vfromI32(fn.vload8x4(k.get(), signed, x.addr)), Z.get()), S.get()), y.addr)]),
        k.set(fn.i(n4)),
        fn.for(d, n4, n, 1, element),
      ];
    }
    return [k.set(fn.i(0)), fn.for(o, 0, L.outer, 1, [fn.for(d, 0, L.D, 1, [fn.for(i, 0, L.inner, 1, element)])])];
  },
});
