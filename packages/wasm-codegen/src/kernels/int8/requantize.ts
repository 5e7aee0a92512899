// Requantize: 16 bytes per step, widened to four i32x4 vectors, centred (x - zx, exact as integers),
// converted to float32, × sx then / sy — the DequantizeLinear and QuantizeLinear float32 steps in
// their order — rounded to 8 bits by round-to-8bit.ts and narrowed back to one 16-byte store. A
// last partial vector goes through scratch, so the same code handles every length.
import { sizeOf } from '@onnx2wasm/ir';
import { constantInput, registerLowering, staticView } from '../../lowering.js';
import { Expr } from '../../wasm-builder.js';
import { narrowTo8Bit, roundTo8Bit } from './round-to-8bit.js';

registerLowering({
  ops: ['Requantize'],
  scratchBytes: () => 32,
  lower(context) {
    const ctx = staticView(context);
    const { fn } = ctx;
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    const [sx, zx, sy, zy] = (['x_scale', 'x_zero_point', 'y_scale', 'y_zero_point'] as const)
      .map((what, i) => Number(constantInput(ctx, i + 1, what).data[0])) as [number, number, number, number];
    const n = sizeOf(x.dims), n16 = n - (n % 16);
    const signedIn = x.dtype === 'int8', signedOut = y.dtype === 'int8';
    const rounding = roundTo8Bit(fn, signedOut, zy);
    const k = fn.local('i32'), v = fn.local('v128'), zxV = fn.local('v128'), s1 = fn.local('v128'), s2 = fn.local('v128');
    const half = (high: boolean) => fn.simd('i16x8', `extend_${high ? 'high' : 'low'}_i8x16_${signedIn ? 's' : 'u'}`, v.get());
    const quarter = (q: number): Expr => {
      const wide = fn.simd('i32x4', `extend_${q % 2 ? 'high' : 'low'}_i16x8_s`, half(q >= 2));
      return rounding.round(fn.vdiv(fn.vmul(fn.vfromI32(fn.simd('i32x4', 'sub', wide, zxV.get())), s1.get()), s2.get()));
    };
    const step = (src: Expr, dst: () => Expr): Expr[] => [
      v.set(fn.vload(src)),
      fn.vstore(dst(), narrowTo8Bit(fn, [quarter(0), quarter(1), quarter(2), quarter(3)], signedOut)),
    ];
    const tmp = ctx.scratch;
    return [
      ...rounding.prologue,
      zxV.set(fn.visplat(zx)), s1.set(fn.vconst(sx)), s2.set(fn.vconst(sy)),
      fn.for(k, 0, n16, 16, step(fn.add(k.get(), x.addr), () => fn.add(k.get(), y.addr))),
      ...(n16 < n ? [fn.copy(tmp, x.addr + n16, n - n16), ...step(fn.i(tmp), () => fn.i(tmp + 16)), fn.copy(y.addr + n16, tmp + 16, n - n16)] : []),
    ];
  },
});
