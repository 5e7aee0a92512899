// Depthwise QLinearConv (group = input = output channels) on 8-bit planes, 8 outputs per step:
// each plane is copied into scratch padded with x's zero point (a padded tap centres to 0), then
// for every output row and 8 pixels, each tap adds i32x4.extmul_{low,high}_i16x8_s of the centred
// pixels (x - zx as i16; stride 2 takes the even bytes of a 16-byte load) and the tap's weight
// splat as i16 — exact int32 sums — and the sums are requantized as onnxruntime does and narrowed
// to bytes. A row is built in a scratch row buffer (its 16-byte stores overlap forwards) and copied
// out, so nothing is stored past the output.
import { Tensor } from '@onnx2wasm/ir';
import { LowerContext } from '../../lowering.js';
import { Expr } from '../../wasm-builder.js';
import { PlaneShape } from '../window-core.js';
import { Requantize } from './gemm-i16.js';

const align16 = (n: number) => 16 * Math.ceil(n / 16);

/** Scratch: one padded plane (plus what the last loads read past it), then one output row. */
export function depthwiseScratchBytes(s: PlaneShape): number {
  return align16(s.Hp * s.Wp + 48) + align16(s.OW) + 16;
}

export function lowerDepthwise8(ctx: LowerContext, s: PlaneShape, o: { w: Tensor; zx: number; q: Requantize }): Expr[] {
  const { fn } = ctx;
  const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
  const [N, C] = x.dims as [number, number];
  const taps = s.kh * s.kw;
  const signed = x.dtype === 'int8';
  // The weights as i16, per channel and tap: one load16 + splat per use.
  const w16 = ctx.addWeight(new Uint8Array(Int16Array.from(o.w.data as ArrayLike<number>, Number).buffer));
  const plane = ctx.scratch, row = plane + align16(s.Hp * s.Wp + 48);
  const n = fn.local('i32'), c = fn.local('i32'), r = fn.local('i32'), oy = fn.local('i32'), ox = fn.local('i32'), src = fn.local('i32'), wc = fn.local('i32');
  const lo = fn.local('v128'), hi = fn.local('v128'), xv = fn.local('v128'), wv = fn.local('v128'), z = fn.local('v128');
  const bias = fn.local('v128'), mult = fn.local('v128'), zy = fn.local('v128');
  const ext = signed ? 's' : 'u';
  const pixels = (at: Expr): Expr => {
    if (s.sw === 1) return fn.vload8x8(at, signed);
    const even = Array.from({ length: 16 }, (_, i) => (i < 8 ? 2 * i : 0));
    return fn.simd('i16x8', `extend_low_i8x16_${ext}`, fn.shuffle8(fn.vload(at), fn.vzero(), even));
  };
  const body: Expr[] = [lo.set(fn.vzero()), hi.set(fn.vzero())];
  for (let ky = 0; ky < s.kh; ky++) for (let kx = 0; kx < s.kw; kx++) {
    const t = ky * s.kw + kx;
    body.push(
      xv.set(fn.simd('i16x8', 'sub', pixels(fn.add(fn.add(src.get(), fn.mul(ox.get(), s.sw)), ky * s.dh * s.Wp + kx * s.dw)), z.get())),
      wv.set(fn.simd('i16x8', 'splat', fn.load16S(wc.get(), 2 * t))),
      lo.set(fn.viadd(lo.get(), fn.simd('i32x4', 'extmul_low_i16x8_s', xv.get(), wv.get()))),
      hi.set(fn.viadd(hi.get(), fn.simd('i32x4', 'extmul_high_i16x8_s', xv.get(), wv.get()))),
    );
  }
  const requant = (a: Expr) => fn.viadd(fn.vtoI32(fn.vnearest(fn.vmul(fn.vfromI32(o.q.bias !== undefined ? fn.viadd(a, bias.get()) : a), mult.get()))), zy.get());
  const h = fn.simd('i16x8', 'narrow_i32x4_s', requant(lo.get()), requant(hi.get()));
  body.push(fn.vstore(fn.add(ox.get(), row), fn.simd('i8x16', `narrow_i16x8_${o.q.signedOut ? 's' : 'u'}`, h, fn.vzero())));
  return [
    z.set(fn.simd('i16x8', 'splat', fn.i(o.zx))),
    zy.set(fn.visplat(o.q.zy)),
    fn.fill(plane, o.zx & 0xff, align16(s.Hp * s.Wp + 48)),
    fn.for(n, 0, N, 1, [fn.for(c, 0, C, 1, [
      fn.for(r, 0, s.H, 1, [
        fn.copy(fn.add(fn.mul(r.get(), s.Wp), plane + s.pt * s.Wp + s.pl), fn.add(fn.add(fn.mul(fn.add(fn.mul(n.get(), C), c.get()), s.H * s.W), fn.mul(r.get(), s.W)), x.addr), s.W),
      ]),
      wc.set(fn.add(fn.mul(c.get(), 2 * taps), w16)),
      ...(o.q.bias !== undefined ? [bias.set(fn.visplat(fn.loadI32(fn.shl(c.get(), 2), o.q.bias)))] : []),
      mult.set(fn.vloadSplat(fn.shl(c.get(), 2), o.q.mult)),
      fn.for(oy, 0, s.OH, 1, [
        src.set(fn.add(fn.mul(oy.get(), s.sh * s.Wp), plane)),
        fn.for(ox, 0, s.OW, 8, body),
        fn.copy(fn.add(fn.add(fn.mul(fn.add(fn.mul(n.get(), C), c.get()), s.OH * s.OW), fn.mul(oy.get(), s.OW)), y.addr), row, s.OW),
      ]),
    ])]),
  ];
}
