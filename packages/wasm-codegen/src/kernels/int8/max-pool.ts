// MaxPool (2-D, strides 1 or 2) on int8 / uint8 data, 16 outputs per vector: each plane is copied
// into scratch padded with the type's minimum (so the border never wins), then every output row is
// the i8x16.max_s/u of its taps — stride 2 picks the even bytes of two loads with one shuffle. A
// row is built in a 16-byte-rounded buffer and copied out, so no store runs past the output.
// Max commutes with the monotone dequantization, so this is the exact result of the quantized op.
import { Node, poolAttrs } from '@onnx2wasm/ir';
import { StaticContext } from '../../lowering.js';
import { Expr } from '../../wasm-builder.js';
import { PlaneShape, planeShape } from '../emit/window-core.js';

const align16 = (n: number) => 16 * Math.ceil(n / 16);

/** The plane shape when the 8-bit kernel applies (2-D, no Indices output, strides ≤ 2), else undefined. */
export function maxPool8Shape(node: Node, x: { dims: number[]; dtype: string }, y: { dims: number[] }): PlaneShape | undefined {
  if (node.op !== 'MaxPool' || node.outputs[1] || (x.dtype !== 'int8' && x.dtype !== 'uint8') || x.dims.length !== 4) return undefined;
  const s = planeShape(node, x.dims, y.dims, poolAttrs(node).kernelShape);
  return s && s.sw <= 2 ? s : undefined;
}

/** Scratch: one padded plane (plus the bytes the last vector loads read past it), then one output row. */
export function maxPool8ScratchBytes(s: PlaneShape): number {
  return align16(s.Hp * s.Wp + 48) + align16(s.OW) + 16;
}

export function lowerMaxPool8(ctx: StaticContext, s: PlaneShape): Expr[] {
  const { fn } = ctx;
  const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
  const [N, C] = x.dims as [number, number];
  const signed = x.dtype === 'int8';
  const plane = ctx.scratch, row = plane + align16(s.Hp * s.Wp + 48);
  const p = fn.local('i32'), r = fn.local('i32'), oy = fn.local('i32'), ox = fn.local('i32'), src = fn.local('i32');
  const acc = fn.local('v128');
  const max = signed ? 'max_s' : 'max_u';
  const tap = (ky: number, kx: number): Expr => {
    const at = fn.add(fn.add(src.get(), fn.mul(ox.get(), s.sw)), ky * s.dh * s.Wp + kx * s.dw);
    if (s.sw === 1) return fn.vload(at);
    const even = Array.from({ length: 16 }, (_, i) => 2 * i);
    const base = fn.local('i32');
    return fn.valueBlock([base.set(at), fn.shuffle8(fn.vload(base.get()), fn.vload(base.get(), 16), even)], 'v128');
  };
  const taps: Expr[] = [];
  for (let ky = 0; ky < s.kh; ky++) for (let kx = 0; kx < s.kw; kx++) {
    taps.push(ky === 0 && kx === 0 ? acc.set(tap(0, 0)) : acc.set(fn.simd('i8x16', max, acc.get(), tap(ky, kx))));
  }
  return [
    fn.fill(plane, signed ? 0x80 : 0, align16(s.Hp * s.Wp + 48)),
    fn.for(p, 0, N * C, 1, [
      fn.for(r, 0, s.H, 1, [
        fn.copy(fn.add(fn.mul(r.get(), s.Wp), plane + s.pt * s.Wp + s.pl), fn.add(fn.add(fn.mul(p.get(), s.H * s.W), fn.mul(r.get(), s.W)), x.addr), s.W),
      ]),
      fn.for(oy, 0, s.OH, 1, [
        src.set(fn.add(fn.mul(oy.get(), s.sh * s.Wp), plane)),
        fn.for(ox, 0, s.OW, 16, [...taps, fn.vstore(fn.add(ox.get(), row), acc.get())]),
        fn.copy(fn.add(fn.add(fn.mul(p.get(), s.OH * s.OW), fn.mul(oy.get(), s.OW)), y.addr), row, s.OW),
      ]),
    ]),
  ];
}
