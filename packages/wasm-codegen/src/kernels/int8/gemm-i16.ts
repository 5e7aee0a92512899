// The integer GEMM of the quantized conv: Y[m, p] = sum over k of W[m, k] · X[k, p], 8-bit operands,
// exact int32 sums on i32x4.dot_i16x8_s, with onnxruntime's requantization fused into the store.
//
// dot_i16x8_s multiplies eight i16 lane pairs and adds neighbours: lane i = a[2i]·b[2i] + a[2i+1]·b[2i+1].
// So the operands are laid out in pairs of k:
//   B panel (packed per call, packPanels): for each block of 16 pixels and pair of k, 64 bytes =
//     four vectors of (x[k, p], x[k+1, p]) for p = 4j .. 4j+3 — already centred (x - zx) as i16;
//   A (packed at compile time, packWeights): for each pair of output channels and pair of k, the
//     four bytes w[m, k], w[m, k+1], w[m+1, k], w[m+1, k+1] as int8/uint8 — the weights file keeps
//     8 bits; v128.load16_splat + extend_low gives (w[m, k], w[m, k+1]) in every lane pair.
// A 2-channel × 16-pixel tile keeps 8 accumulators, 4 B vectors and 2 A vectors in registers:
// 16 dot products (128 multiply-adds) per pair of k. Products of centred values are at most
// 255 · 128 (uint8 against int8 weights with zero point 0) and a lane adds two: no overflow, no
// saturation, whatever the reduction length (int32 wraps only past 2^31, beyond any real conv).
import { Expr, FnBuilder, Local } from '../../wasm-builder.js';
import { narrowTo8Bit, roundTo8Bit } from './round-to-8bit.js';

/** Pixels per tile (one 16-byte store of 8-bit outputs per channel). */
export const TILE_PIXELS = 16;

/** Bytes of the packed weights of M channels × K: pairs of channels × pairs of k × 4 bytes. */
export function packedWeightBytes(M: number, K: number): number {
  return Math.ceil(M / 2) * Math.ceil(K / 2) * 4;
}

/** Packs W [M, K] (8-bit, zero point 0) into the A layout above; missing channels and k are 0. */
export function packWeights(w: ArrayLike<number>, M: number, K: number): Uint8Array {
  const K2 = Math.ceil(K / 2);
  const out = new Uint8Array(packedWeightBytes(M, K));
  for (let mp = 0; mp < Math.ceil(M / 2); mp++) for (let kp = 0; kp < K2; kp++) for (let mi = 0; mi < 2; mi++) for (let kk = 0; kk < 2; kk++) {
    const m = 2 * mp + mi, k = 2 * kp + kk;
    if (m < M && k < K) out[((mp * K2 + kp) * 2 + mi) * 2 + kk] = Number(w[m * K + k]) & 0xff;
  }
  return out;
}

/**
 * Packs `blocks` blocks of 16 pixels from the 8-bit rows cols[k] (row k at cols + k·rowBytes,
 * rows 0 .. 2·K2-1) into the B panel at `panel`: centred (x - zx) as i16, in pairs of k.
 */
export function emitPackPanels(fn: FnBuilder, o: { cols: I32Fn; rowBytes: number; K2: number; blocks: () => Expr; panel: I32Fn; signed: boolean; zx: number }): Expr[] {
  const kp = fn.local('i32'), pb = fn.local('i32'), a = fn.local('i32'), dst = fn.local('i32');
  const va = fn.local('v128'), vb = fn.local('v128'), z = fn.local('v128');
  const ext = (v: Local, high: boolean) => fn.simd('i16x8', 'sub', fn.simd('i16x8', `extend_${high ? 'high' : 'low'}_i8x16_${o.signed ? 's' : 'u'}`, v.get()), z.get());
  const stores: Expr[] = [];
  for (const high of [false, true]) {
    const la = ext(va, high), lb = ext(vb, high);
    const ta = fn.local('v128'), tb = fn.local('v128');
    stores.push(ta.set(la), tb.set(lb));
    for (const half of [false, true]) {
      const bytes = (half ? [4, 12, 5, 13, 6, 14, 7, 15] : [0, 8, 1, 9, 2, 10, 3, 11]).flatMap((l) => [2 * l, 2 * l + 1]);
      stores.push(fn.vstore(dst.get(), fn.shuffle8(ta.get(), tb.get(), bytes), (high ? 32 : 0) + (half ? 16 : 0)));
    }
  }
  return [
    z.set(fn.simd('i16x8', 'splat', fn.i(o.zx))),
    fn.for(kp, 0, o.K2, 1, [
      a.set(fn.add(o.cols(), fn.mul(kp.get(), 2 * o.rowBytes))),
      fn.for(pb, 0, o.blocks(), 1, [
        va.set(fn.vload(fn.add(a.get(), fn.shl(pb.get(), 4)))),
        vb.set(fn.vload(fn.add(a.get(), fn.shl(pb.get(), 4)), o.rowBytes)),
        dst.set(fn.add(o.panel(), fn.add(fn.mul(pb.get(), o.K2 * 64), fn.shl(kp.get(), 6)))),
        ...stores,
      ]),
    ]),
  ];
}

export type I32Fn = () => Expr;

export interface Requantize {
  /** Address of M (+1 padding) int32 biases, or undefined. */
  bias?: number;
  /** Address of M (+1 padding) float32 multipliers. */
  mult: number;
  /** The largest |float32(sum) · multiplier| (lets round-to-8bit.ts skip its clamp). */
  maxAbs: number;
  zy: number;
  signedOut: boolean;
}

/** What the GEMM core hands its epilogue: the tile's accumulators and loop indices. */
export interface GemmTile {
  /** acc[i][j]: channel 2·mp + i, pixels 16·pb + 4j .. 4j + 3 of the block, as i32x4 sums. */
  acc: Local[][];
  /** The channel of the accumulator row being stored (set before `store(i)` runs). */
  m: Local;
  mp: Local;
  pb: Local;
}

/** Stores one channel's 16 sums of a tile; `prologue` runs once before the loops. */
export interface GemmEpilogue { prologue: Expr[]; store(i: number): Expr[] }

/**
 * The integer GEMM core: for each pair of output channels and each block of 16 pixels of the
 * panel, the int32 sums over K2 pairs of k (weights in the A layout, panel in the B layout above),
 * handed to `epilogue` channel by channel. An odd M pads the last pair with a zero channel,
 * computed but not stored. With `lastVectors` (1-4: the 4-pixel vectors of the last block that
 * hold pixels), the last block's dots stop there: a 7x7 plane's 49 pixels take 13 vectors of
 * dots, not 16; the accumulators past them stay 0 and are not stored by a careful epilogue.
 */
export function emitGemmI16(fn: FnBuilder, o: {
  M: number; K2: number; weights: number; panel: I32Fn; blocks: () => Expr; signedWeights: boolean; lastVectors?: () => Expr;
}, makeEpilogue: (t: GemmTile) => GemmEpilogue): Expr[] {
  const mp = fn.local('i32'), pb = fn.local('i32'), k = fn.local('i32'), bp = fn.local('i32'), wp = fn.local('i32'), m = fn.local('i32');
  const acc = [0, 1].map(() => [0, 1, 2, 3].map(() => fn.local('v128')));
  const wv = [0, 1].map(() => fn.local('v128'));
  // (w[m, k], w[m, k+1]) in every lane pair: two bytes splat, then widened to i16.
  const widen = (offset: number) => fn.simd('i16x8', `extend_low_i8x16_${o.signedWeights ? 's' : 'u'}`, fn.vload16Splat(wp.get(), offset));
  // The B vectors are loaded at each use (memory operands of the dot), not held in registers:
  // 8 accumulators + 2 weights leave the engine registers to spare (measured 56 → ? GOP/s).
  /** The loop over pairs of k for the first `vectors` 4-pixel vectors of the block. */
  const kLoop = (vectors: number): Expr => {
    const inner: Expr[] = [wv[0]!.set(widen(0)), wv[1]!.set(widen(2))];
    for (let j = 0; j < vectors; j++) for (let i = 0; i < 2; i++) {
      inner.push(acc[i]![j]!.set(fn.viadd(acc[i]![j]!.get(), fn.simd('i32x4', 'dot_i16x8_s', wv[i]!.get(), fn.vload(bp.get(), 16 * j)))));
    }
    inner.push(bp.set(fn.add(bp.get(), 64)), wp.set(fn.add(wp.get(), 4)));
    return fn.for(k, 0, o.K2, 1, inner);
  };
  const lastVectors = fn.local('i32');
  const partial = (v: number): Expr => (v === 4 ? kLoop(4) : fn.if(fn.eq(lastVectors.get(), v), [kLoop(v)], [partial(v + 1)]));
  const sums = o.lastVectors
    ? fn.if(fn.eq(pb.get(), fn.sub(o.blocks(), 1)), [partial(1)], [kLoop(4)])
    : kLoop(4);
  const epilogue = makeEpilogue({ acc, m, mp, pb });
  const store = (i: number): Expr => {
    const body = [m.set(fn.add(fn.shl(mp.get(), 1), i)), ...epilogue.store(i)];
    return i === 1 && o.M % 2 === 1 ? fn.if(fn.ltS(fn.add(fn.shl(mp.get(), 1), 1), o.M), body) : fn.block(body);
  };
  return [
    ...epilogue.prologue,
    ...(o.lastVectors ? [lastVectors.set(o.lastVectors())] : []),
    fn.for(mp, 0, Math.ceil(o.M / 2), 1, [
      fn.for(pb, 0, o.blocks(), 1, [
        ...acc.flat().map((a) => a.set(fn.vzero())),
        bp.set(fn.add(o.panel(), fn.mul(pb.get(), o.K2 * 64))),
        wp.set(fn.add(o.weights, fn.mul(mp.get(), o.K2 * 4))),
        sums,
        store(0),
        store(1),
      ]),
    ]),
  ];
}

/**
 * The conv's GEMM: the sums requantized and stored as 16 bytes at out(m) + 16·block. The last
 * block may be partial (`pixels` is not a multiple of 16): it goes through `tmp` and a copy of the
 * valid bytes.
 */
export function emitGemmRequantize(fn: FnBuilder, o: {
  M: number; K2: number; weights: number; panel: I32Fn; blocks: () => Expr; pixels: () => Expr;
  out: (m: Expr) => Expr; tmp: number; signedWeights: boolean; q: Requantize;
}): Expr[] {
  // The last block's vectors that hold pixels: (pixels - 16·(blocks - 1) + 3) / 4.
  const lastVectors = () => fn.divU(fn.add(fn.sub(o.pixels(), fn.shl(fn.sub(o.blocks(), 1), 4)), 3), 4);
  return emitGemmI16(fn, { ...o, lastVectors }, ({ acc, m, pb }) => {
    const bias = fn.local('v128'), mult = fn.local('v128'), res = fn.local('v128');
    const dst = fn.local('i32'), valid = fn.local('i32');
    const rounding = roundTo8Bit(fn, o.q.signedOut, o.q.zy, o.q.maxAbs);
    const requant = (a: Local) => rounding.requantize(o.q.bias !== undefined ? fn.viadd(a.get(), bias.get()) : a.get(), mult.get());
    return {
      prologue: rounding.prologue,
      store(i) {
        const r = acc[i]!;
        return [
          ...(o.q.bias !== undefined ? [bias.set(fn.visplat(fn.loadI32(fn.shl(m.get(), 2), o.q.bias)))] : []),
          mult.set(fn.vloadSplat(fn.shl(m.get(), 2), o.q.mult)),
          res.set(narrowTo8Bit(fn, [requant(r[0]!), requant(r[1]!), requant(r[2]!), requant(r[3]!)], o.q.signedOut)),
          dst.set(fn.add(o.out(m.get()), fn.shl(pb.get(), 4))),
          valid.set(fn.sub(o.pixels(), fn.shl(pb.get(), 4))),
          fn.if(fn.geS(valid.get(), 16), [fn.vstore(dst.get(), res.get())], [fn.vstore(o.tmp, res.get()), fn.copy(dst.get(), o.tmp, valid.get())]),
        ];
      },
    };
  });
}
