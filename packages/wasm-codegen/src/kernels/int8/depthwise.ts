// Depthwise QLinearConv (group = input = output channels) on 8-bit planes, 8 outputs per step.
// Each plane is copied into scratch padded with x's zero point, so every tap reads real or zx
// bytes. The taps are taken in pairs (t, t'): each tap's 8 pixels are one v128.load8x8_s/u
// (stride 2: the even bytes of a 16-byte load, widened), the two taps' pixels are interleaved
// (one shuffle per 4 outputs) and i32x4.dot_i16x8_s multiplies them by the pair's weights
// (w[t], w[t']) splat — two taps per instruction, exact int32 sums; an odd last tap pairs with a
// weight of 0. The zero point is taken out once per channel instead of per tap:
// sum (x - zx)·w = sum x·w - zx·sum w, folded into the bias at compile time (a padded tap holds zx,
// so it still adds 0). The sums are requantized as onnxruntime does and narrowed to bytes, stored
// 8 at a time; a row's last store may run up to 7 bytes into the next row, which is written
// afterwards — except in the tensor's last row, which goes through a row buffer.
import { Tensor } from '@onnx2wasm/ir';
import { StaticContext } from '../../lowering.js';
import { Expr } from '../../wasm-builder.js';
import { PlaneShape } from '../emit/window-core.js';

const align16 = (n: number) => 16 * Math.ceil(n / 16);

/** Scratch: one padded plane (plus what the last vector loads and stores touch past it), then one output row. */
export function depthwiseScratchBytes(s: PlaneShape): number {
  return align16(s.Hp * s.Wp + 48) + align16(s.OW) + 16;
}

export interface Depthwise8 {
  w: Tensor;
  /** Per channel: int32 bias (or undefined), float32 multiplier. */
  bias?: Int32Array;
  mult: number;
  zx: number;
  zy: number;
  signedOut: boolean;
}

export function lowerDepthwise8(ctx: StaticContext, s: PlaneShape, o: Depthwise8): Expr[] {
  const { fn } = ctx;
  const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
  const [N, C] = x.dims as [number, number];
  const taps = s.kh * s.kw;
  const signed = x.dtype === 'int8';
  const W = Array.from(o.w.data as ArrayLike<number>, Number);
  // The weights as i16 pairs (w[t], w[t+1]) per channel (0 after an odd last tap); the bias with zx·sum w taken out.
  const pairs = Math.ceil(taps / 2);
  const pairTable = new Int16Array(C * pairs * 2);
  for (let c = 0; c < C; c++) for (let t = 0; t < taps; t++) pairTable[c * pairs * 2 + t] = W[c * taps + t]!;
  const w16 = ctx.addWeight(new Uint8Array(pairTable.buffer));
  const folded = Int32Array.from({ length: C }, (_, c) => (o.bias?.[c] ?? 0) - o.zx * W.slice(c * taps, (c + 1) * taps).reduce((a, b) => a + b, 0));
  const bias = ctx.addWeight(new Uint8Array(folded.buffer));
  const plane = ctx.scratch, rowBuf = plane + align16(s.Hp * s.Wp + 48);
  const padEnd = s.Hp * s.Wp - (s.pt + s.H) * s.Wp;
  const n = fn.local('i32'), c = fn.local('i32'), r = fn.local('i32'), ix = fn.local('i32'), oy = fn.local('i32'), ox = fn.local('i32');
  const src = fn.local('i32'), dst = fn.local('i32'), from = fn.local('i32'), to = fn.local('i32'), last = fn.local('i32');
  const lo = fn.local('v128'), hi = fn.local('v128'), xa = fn.local('v128'), xb = fn.local('v128');
  const wv = Array.from({ length: pairs }, () => fn.local('v128'));
  const b = fn.local('v128'), mult = fn.local('v128'), zy = fn.local('v128');
  const pixels = (at: Expr): Expr => {
    if (s.sw === 1) return fn.vload8x8(at, signed);
    const even = Array.from({ length: 16 }, (_, i) => (i < 8 ? 2 * i : 0));
    return fn.simd('i16x8', `extend_low_i8x16_${signed ? 's' : 'u'}`, fn.shuffle8(fn.vload(at), fn.vzero(), even));
  };
  const tapAt = (t: number) => pixels(fn.add(fn.add(src.get(), fn.mul(ox.get(), s.sw)), Math.floor(t / s.kw) * s.dh * s.Wp + (t % s.kw) * s.dw));
  // i16 lanes 0-3 (or 4-7) of a and b interleaved: the dot's lane i pairs output i's two taps.
  const low = [0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23], high = low.map((v) => v + 8);
  const step: Expr[] = [lo.set(b.get()), hi.set(b.get())];
  for (let k = 0; k < pairs; k++) {
    step.push(xa.set(tapAt(2 * k)), xb.set(2 * k + 1 < taps ? tapAt(2 * k + 1) : xa.get()));
    step.push(
      lo.set(fn.viadd(lo.get(), fn.simd('i32x4', 'dot_i16x8_s', fn.shuffle8(xa.get(), xb.get(), low), wv[k]!.get()))),
      hi.set(fn.viadd(hi.get(), fn.simd('i32x4', 'dot_i16x8_s', fn.shuffle8(xa.get(), xb.get(), high), wv[k]!.get()))),
    );
  }
  const requant = (a: Expr) => fn.viadd(fn.vtoI32(fn.vnearest(fn.vmul(fn.vfromI32(a), mult.get()))), zy.get());
  const h = fn.simd('i16x8', 'narrow_i32x4_s', requant(lo.get()), requant(hi.get()));
  step.push(fn.vstoreLow8(fn.add(dst.get(), ox.get()), fn.simd('i8x16', `narrow_i16x8_${o.signedOut ? 's' : 'u'}`, h, fn.vzero())));
  // Pad bytes of a row that the previous row's vector copy overran (right pad, then this row's left pad).
  const repad: Expr[] = [];
  for (let k = 0; k < s.Wp - s.W - s.pl; k++) repad.push(fn.store8(to.get(), fn.i(o.zx & 0xff), s.W + k));
  for (let k = 0; k < s.pl; k++) repad.push(fn.store8(to.get(), fn.i(o.zx & 0xff), -s.pl + k + s.Wp));
  const outRow = () => fn.add(fn.add(fn.mul(fn.add(fn.mul(n.get(), C), c.get()), s.OH * s.OW), fn.mul(oy.get(), s.OW)), y.addr);
  return [
    zy.set(fn.visplat(o.zy)),
    fn.fill(plane, o.zx & 0xff, align16(s.Hp * s.Wp + 48)),
    fn.for(n, 0, N, 1, [fn.for(c, 0, C, 1, [
      // Rows copied 16 bytes at a time (reads and writes run past the row: the pads are put back).
      fn.for(r, 0, s.H, 1, [
        from.set(fn.add(fn.add(fn.mul(fn.add(fn.mul(n.get(), C), c.get()), s.H * s.W), fn.mul(r.get(), s.W)), x.addr)),
        to.set(fn.add(fn.mul(r.get(), s.Wp), plane + s.pt * s.Wp + s.pl)),
        fn.for(ix, 0, s.W, 16, [fn.vstore(fn.add(to.get(), ix.get()), fn.vload(fn.add(from.get(), ix.get())))]),
        ...repad,
      ]),
      ...(padEnd > 0 ? [fn.fill(plane + (s.pt + s.H) * s.Wp, o.zx & 0xff, padEnd + 16)] : []),
      ...wv.map((v, k) => v.set(fn.vloadSplat(fn.mul(c.get(), 4 * pairs), w16 + 4 * k))),
      b.set(fn.visplat(fn.loadI32(fn.shl(c.get(), 2), bias))),
      mult.set(fn.vloadSplat(fn.shl(c.get(), 2), o.mult)),
      fn.for(oy, 0, s.OH, 1, [
        src.set(fn.add(fn.mul(oy.get(), s.sh * s.Wp), plane)),
        last.set(fn.eq(fn.add(fn.mul(fn.add(fn.mul(n.get(), C), c.get()), s.OH), oy.get()), N * C * s.OH - 1)),
        dst.set(fn.selectI(last.get(), rowBuf, outRow())),
        fn.for(ox, 0, s.OW, 8, step),
        fn.if(last.get(), [fn.copy(outRow(), rowBuf, s.OW)]),
      ]),
    ])]),
  ];
}
