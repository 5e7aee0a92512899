// The sliding-window loop shared by the channels-last kernels (depthwise NhwcConv, NhwcMaxPool,
// NhwcAveragePool). With channels innermost one f32x4 holds 4 channels of one pixel, so a tap is a
// plain vector load at any stride or dilation and no plane is copied. Output pixels whose whole
// window lies inside the input ("interior") read every tap at a constant offset from one pointer;
// the others ("border") point each tap either at the input or at a fill row (a weight of C floats:
// 0 for conv and average, -Infinity for max), chosen once per pixel, so the channel loop stays
// branch-free everywhere. The caller supplies how taps combine and what happens before the store.
import { Node, makeTensor } from '@onnx2wasm/ir';
import { LowerContext } from '../lowering.js';
import { Expr, FnBuilder, Local } from '../wasm-builder.js';
import { PlaneShape, planeShape } from './window-core.js';

/** The window geometry plus batch and channel counts (channels of input and output are equal). */
export interface NhwcShape extends PlaneShape { N: number; C: number }

/** Taps unrolled per channel block; past this the border pointers would need too many locals. */
export const MAX_NHWC_TAPS = 64;

/** Reads the window attributes of an NHWC node with input [N, H, W, C], output [N, OH, OW, C]. */
export function nhwcShape(node: Node, xDims: number[], yDims: number[], kernel: number[]): NhwcShape | undefined {
  if (xDims.length !== 4 || yDims.length !== 4) return undefined;
  const [N, H, W, C] = xDims as [number, number, number, number];
  const [, OH, OW] = yDims as [number, number, number, number];
  const s = planeShape(node, [N, C, H, W], [N, C, OH, OW], kernel);
  return s && { ...s, N, C };
}

/** Channels rounded up to whole vectors: the length of packed per-channel rows and fill rows. */
export const paddedChannels = (C: number) => 4 * Math.ceil(C / 4);

/** A row of C (rounded up to whole vectors) copies of `value`, placed once per module. */
export function fillRow(ctx: LowerContext, C: number, value: number): number {
  const Cp = paddedChannels(C);
  return ctx.addWeight(makeTensor('float32', [Cp], new Float32Array(Cp).fill(value)), `nhwc-fill-${value}-${Cp}`);
}

/** Where the current channel block is: byte offsets, and the output pixel it belongs to. */
export interface BlockAt {
  /** Byte offset of the block's first channel within a pixel (and within packed rows). */
  c4: () => Expr;
  /** Byte offset of the block in Y (also in a residual shaped like Y). */
  out: () => Expr;
  /** Output pixel index oy * OW + ox within the image. */
  pixel: Local;
  interior: boolean;
}

export interface NhwcWindowSpec {
  shape: NhwcShape;
  x: number; y: number;
  /** Address of the fill row (paddedChannels(C) floats) that out-of-bounds taps read. */
  fill: number;
  /** Combines tap `t` (ky * kw + kx) into the partial result; `acc` is undefined for the first tap. */
  tap: (acc: Expr | undefined, v: Expr, t: number, at: BlockAt) => Expr;
  /** Statements between the last tap and the store (bias, divisor, residual, activation). */
  finish: (acc: Local, at: BlockAt) => Expr[];
}

/** Ceil division for possibly negative numerators. */
const ceilDiv = (a: number, b: number) => -Math.floor(-a / b);

/** [lo, hi) of outputs along one axis whose window lies inside [0, size). */
function interiorRange(size: number, out: number, k: number, s: number, d: number, pad: number): [number, number] {
  const lo = Math.min(out, ceilDiv(pad, s));
  const hi = Math.floor((size - 1 - (k - 1) * d + pad) / s) + 1;
  return [lo, Math.max(lo, Math.min(out, hi))];
}

export function emitNhwcWindow(fn: FnBuilder, spec: NhwcWindowSpec): Expr[] {
  const s = spec.shape;
  const { C } = s;
  const taps = s.kh * s.kw;
  if (taps > MAX_NHWC_TAPS) throw new Error(`NHWC window of ${taps} taps`);
  const pixelBytes = 4 * C;
  const tapOff = (ky: number, kx: number) => pixelBytes * (ky * s.dh * s.W + kx * s.dw);
  const [oyLo, oyHi] = interiorRange(s.H, s.OH, s.kh, s.sh, s.dh, s.pt);
  const [oxLo, oxHi] = interiorRange(s.W, s.OW, s.kw, s.sw, s.dw, s.pl);

  const n = fn.local('i32'), oy = fn.local('i32'), ox = fn.local('i32'), c = fn.local('i32');
  const iy = fn.local('i32'), ix = fn.local('i32'), pixel = fn.local('i32');
  const xImg = fn.local('i32'), p0 = fn.local('i32'), yPix = fn.local('i32'), rowIn = fn.local('i32');
  const acc = fn.local('v128');
  const ptrs = Array.from({ length: taps }, () => fn.local('i32'));

  // One channel block: taps, finish, store (whole vector, or the first C % 4 lanes at the end).
  const block = (interior: boolean, c4: () => Expr, lanes: number): Expr[] => {
    const at: BlockAt = { c4, out: () => fn.add(yPix.get(), c4()), pixel, interior };
    let v: Expr | undefined;
    for (let ky = 0; ky < s.kh; ky++) {
      for (let kx = 0; kx < s.kw; kx++) {
        const t = ky * s.kw + kx;
        const load = interior ? fn.vload(fn.add(p0.get(), c4()), tapOff(ky, kx)) : fn.vload(fn.add(ptrs[t]!.get(), c4()));
        v = spec.tap(v, load, t, at);
      }
    }
    const store = lanes === 4
      ? [fn.vstore(at.out(), acc.get(), spec.y)]
      : Array.from({ length: lanes }, (_, l) => fn.vstoreLane(at.out(), acc.get(), l, spec.y + 4 * l));
    return [acc.set(v!), ...spec.finish(acc, at), ...store];
  };
  const full = 4 * Math.floor(C / 4);
  const channels = (interior: boolean): Expr[] => [
    fn.for(c, 0, 4 * full, 16, block(interior, () => c.get(), 4)),
    ...(C % 4 ? block(interior, () => fn.i(4 * full), C % 4) : []),
  ];

  // Border taps: the input address when (iy + ky*dh, ix + kx*dw) is inside the image, else the fill row.
  const borderPointers: Expr[] = [];
  for (let ky = 0; ky < s.kh; ky++) {
    for (let kx = 0; kx < s.kw; kx++) {
      const inside = fn.and(fn.ltU(fn.add(iy.get(), ky * s.dh), s.H), fn.ltU(fn.add(ix.get(), kx * s.dw), s.W));
      borderPointers.push(ptrs[ky * s.kw + kx]!.set(fn.selectI(inside, fn.add(p0.get(), tapOff(ky, kx)), spec.fill)));
    }
  }
  const interiorCol = fn.and(fn.geS(ox.get(), oxLo), fn.ltS(ox.get(), oxHi));
  const pixelBody: Expr[] = [
    ix.set(fn.sub(fn.mul(ox.get(), s.sw), s.pl)),
    // p0: the top-left tap of the window, possibly outside the image (then only used when a tap is inside).
    p0.set(fn.add(xImg.get(), fn.mul(fn.add(fn.mul(iy.get(), s.W), ix.get()), pixelBytes))),
    fn.if(fn.and(rowIn.get(), interiorCol), channels(true), [...borderPointers, ...channels(false)]),
    pixel.set(fn.add(pixel.get(), 1)),
    yPix.set(fn.add(yPix.get(), pixelBytes)),
  ];
  const rowBody: Expr[] = [
    iy.set(fn.sub(fn.mul(oy.get(), s.sh), s.pt)),
    rowIn.set(fn.and(fn.geS(oy.get(), oyLo), fn.ltS(oy.get(), oyHi))),
    fn.for(ox, 0, s.OW, 1, pixelBody),
  ];
  return [
    yPix.set(fn.i(0)),
    fn.for(n, 0, s.N, 1, [
      xImg.set(fn.add(fn.mul(n.get(), s.H * s.W * pixelBytes), spec.x)),
      pixel.set(fn.i(0)),
      fn.for(oy, 0, s.OH, 1, rowBody),
    ]),
  ];
}
