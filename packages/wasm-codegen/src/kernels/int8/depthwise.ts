// Depthwise QLinearConv (group = input = output channels) on 8-bit planes, 16 outputs per step.
// Each plane is copied into scratch padded with x's zero point; int8 planes are flipped to uint8 on
// the way (x ^ 0x80 = x + 128), so the kernel reads only unsigned bytes and every tap is real or zx.
//
// No byte shuffles or widening loads in the inner loop (on x64 they all queue for one port). One
// 16-byte load L at byte a, read as i16 lanes, gives two vectors with a mask and a shift only: the
// even bytes (L & 0xff) and the odd bytes (L >> 8). Lane pair i of "the bytes from a, every other
// one" holds (x[a+4i], x[a+4i+2]), and i32x4.dot_i16x8_s against a splat weight pair (w, w') yields
// x[a+4i]·w + x[a+4i+2]·w' in i32 lane i, exactly. So the step's 16 outputs are kept in four i32x4
// accumulators whose lane i is output 4i+k (stride 1), or 8g + 2i + h (stride 2: accumulator
// k = 2g + h); per kernel row each accumulator pairs its taps two bytes apart (taps 0 and 2 of a
// 3-wide row) and takes a lone tap with a zero weight, from a vector another accumulator loads
// anyway when there is one (see planRow). A 3x3 row costs 2 (stride 1) or 4 (stride 2) loads and
// 8 dots for 16 outputs.
//
// The zero point is taken out once per channel: sum (x - zx)·w = sum x·w - zx·sum w is folded into
// the bias at compile time (a padded tap holds zx, so it still adds 0). The sums are requantized as
// onnxruntime does (round-to-8bit.ts) and narrowed; one byte shuffle puts the 16 outputs back in
// order for one store. A row's store may run up to 15 bytes into the next row, which is written
// afterwards — except where it would run past the tensor's end: those rows go through a row buffer
// (see Sweep for planes swept flat).
import { Tensor } from '@onnx2wasm/ir';
import { StaticContext } from '../../lowering.js';
import { Expr, FnBuilder, Local } from '../../wasm-builder.js';
import { PlaneShape } from '../emit/window-core.js';
import { narrowTo8Bit, roundTo8Bit } from './round-to-8bit.js';

const align16 = (n: number) => 16 * Math.ceil(n / 16);
const OUTPUTS = 16;

/** One dot of a kernel row: accumulator k += the bytes from `at`, every other one, · (tap a, tap b) (undefined: weight 0). */
interface Dot { k: number; at: number; a?: number; b?: number }

/** Byte offset, from the step's first input byte, of output lane 0 of accumulator k (see the header). */
function accumulatorBase(sw: number, k: number): number {
  return sw === 1 ? k : 16 * (k >> 1) + 2 * (k & 1);
}

/** The output (0-15 in the step) in lane i of accumulator k. */
function outputOf(sw: number, k: number, i: number): number {
  return sw === 1 ? 4 * i + k : 8 * (k >> 1) + 2 * i + (k & 1);
}

/**
 * The dots of one kernel row: each accumulator's taps (at byte base + t·dw) taken two bytes apart
 * in pairs; a lone tap rides as the second half of the vector two bytes before it when another dot
 * already loads that one, else as the first half of its own.
 */
export function planRow(sw: number, kw: number, dw: number): Dot[] {
  const dots: Dot[] = [], used = new Set<number>();
  for (let k = 0; k < 4; k++) {
    const left = Array.from({ length: kw }, (_, t) => ({ t, at: accumulatorBase(sw, k) + t * dw }));
    while (left.length > 0) {
      const e = left.shift()!;
      const j = left.findIndex((o) => o.at === e.at + 2);
      if (j >= 0) {
        dots.push({ k, at: e.at, a: e.t, b: left.splice(j, 1)[0]!.t });
        used.add(e.at);
      } else if (used.has(e.at - 2)) {
        dots.push({ k, at: e.at - 2, b: e.t });
      } else {
        dots.push({ k, at: e.at, a: e.t });
        used.add(e.at);
      }
    }
  }
  return dots;
}

/** The byte past the last one a step's loads read, from the step's first input byte. */
function rowReach(dots: Dot[]): number {
  return Math.max(...dots.map((d) => 2 * Math.floor(d.at / 2) + 16));
}

/**
 * How a channel's outputs are swept. By rows: 16 outputs at a time from each row's start. Flat:
 * output (oy, ox) reads the padded plane from byte (oy·pitch + ox)·sw, so with pitch = sh·Wp/sw the
 * whole channel is one run of `count` outputs, 16 at a time, staged in a buffer with pitch - OW
 * unwanted ones per row that the copy out leaves behind. Flat wins on narrow planes (a 7x7 plane
 * by rows uses 7 of every 16 outputs) and on most stride-1 planes; stride 2 goes by rows.
 */
interface Sweep { flat: boolean; pitch: number; count: number }

function sweepOf(s: PlaneShape): Sweep {
  const rowSteps = s.OH * Math.ceil(s.OW / OUTPUTS);
  if ((s.sh * s.Wp) % s.sw === 0) {
    const pitch = (s.sh * s.Wp) / s.sw, count = (s.OH - 1) * pitch + s.OW;
    // The copy out costs a few hundredths of a step per 16 outputs, and one long loop
    // (no exit per row) pays for it: flat unless it takes more steps.
    if (Math.ceil(count / OUTPUTS) <= rowSteps) return { flat: true, pitch, count };
  }
  return { flat: false, pitch: s.OW, count: s.OW };
}

/** Scratch: one padded plane, then one output row (by rows) or the staged outputs (flat). */
export function depthwiseScratchBytes(s: PlaneShape): number {
  return planeBytes(s) + align16(sweepOf(s).count) + OUTPUTS;
}

/** A padded plane plus what the last step's loads read past it and what the row copies overrun (16). */
function planeBytes(s: PlaneShape): number {
  const sw = sweepOf(s);
  const lastStep = OUTPUTS * Math.floor((sw.count - 1) / OUTPUTS) * s.sw;
  const lastRow = sw.flat ? 0 : (s.OH - 1) * s.sh * s.Wp;
  const reach = lastRow + lastStep + (s.kh - 1) * s.dh * s.Wp + rowReach(planRow(s.sw, s.kw, s.dw));
  return align16(Math.max(s.Hp * s.Wp, reach) + 16);
}

/** bytes (rounded up to whole vectors) from `from` to `to`: unrolled for short rows, whose loop would cost more than the copy. */
function copyVectors(fn: FnBuilder, to: Local, from: Local, bytes: number, ix: Local, map: (v: Expr) => Expr = (v) => v): Expr[] {
  const vectors = Math.ceil(bytes / 16);
  if (vectors <= 4) return Array.from({ length: vectors }, (_, k) => fn.vstore(to.get(), map(fn.vload(from.get(), 16 * k)), 16 * k));
  return [fn.for(ix, 0, bytes, 16, [fn.vstore(fn.add(to.get(), ix.get()), map(fn.vload(fn.add(from.get(), ix.get()))))])];
}

export interface Depthwise8 {
  w: Tensor;
  /** Per channel: int32 bias (or undefined). */
  bias?: Int32Array;
  /** Address of the float32 multipliers. */
  mult: number;
  /** The largest |float32(sum) · multiplier| (lets round-to-8bit.ts skip its clamp). */
  maxAbs: number;
  zx: number;
  zy: number;
  signedOut: boolean;
}

type Key = [number | undefined, number | undefined];

/** The weights as splat-ready i16 pairs per channel: per kernel row, one per distinct (tap a, tap b) of the row's plan. */
function weightPairs(W: number[], C: number, s: PlaneShape, keys: Key[]): Uint8Array {
  const taps = s.kh * s.kw, table = new Int16Array(C * s.kh * keys.length * 2);
  const tap = (c: number, ky: number, t: number | undefined) => (t === undefined ? 0 : W[c * taps + ky * s.kw + t]!);
  let i = 0;
  for (let c = 0; c < C; c++) for (let ky = 0; ky < s.kh; ky++) for (const [a, b] of keys) { table[i++] = tap(c, ky, a); table[i++] = tap(c, ky, b); }
  return new Uint8Array(table.buffer);
}

interface RowRefs {
  /** The 16 bytes at a byte offset from the step's first input byte of this kernel row. */
  at: (offset: number) => Expr;
  weight: (d: Dot) => Local;
  acc: Local[];
  load: Local;
  half: Local;
  low: Local;
}

/** One kernel row: each 16-byte load once, its even and odd bytes once, each dot accumulated. */
function emitRow(fn: FnBuilder, dots: Dot[], r: RowRefs): Expr[] {
  const out: Expr[] = [];
  const loads = [...new Set(dots.map((d) => 2 * Math.floor(d.at / 2)))].sort((p, q) => p - q);
  for (const p of loads) {
    out.push(r.load.set(r.at(p)));
    for (const odd of [0, 1]) {
      const mine = dots.filter((d) => d.at === p + odd);
      if (mine.length === 0) continue;
      out.push(r.half.set(odd ? fn.simd('i16x8', 'shr_u', r.load.get(), fn.i(8)) : fn.vand(r.load.get(), r.low.get())));
      for (const d of mine) out.push(r.acc[d.k]!.set(fn.viadd(r.acc[d.k]!.get(), fn.simd('i32x4', 'dot_i16x8_s', r.half.get(), r.weight(d).get()))));
    }
  }
  return out;
}

/** The four accumulators' requantized lanes narrowed (saturating) to 16 bytes in output order. */
function packOutputs(fn: FnBuilder, sw: number, q: Expr[], signedOut: boolean): Expr {
  const bytes = narrowTo8Bit(fn, [q[0]!, q[1]!, q[2]!, q[3]!], signedOut);
  // Byte 4k + i is lane i of accumulator k.
  const order = new Array<number>(OUTPUTS);
  for (let k = 0; k < 4; k++) for (let i = 0; i < 4; i++) order[outputOf(sw, k, i)] = 4 * k + i;
  return fn.shuffle8(bytes, fn.vzero(), order);
}

export function lowerDepthwise8(ctx: StaticContext, s: PlaneShape, o: Depthwise8): Expr[] {
  const { fn } = ctx;
  const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
  const [N, C] = x.dims as [number, number];
  const taps = s.kh * s.kw;
  const signed = x.dtype === 'int8';
  // The planes hold x as uint8 (int8 + 128), so the zero point moves with them.
  const zxU = signed ? o.zx + 128 : o.zx;
  const W = Array.from(o.w.data as ArrayLike<number>, Number);
  const row = planRow(s.sw, s.kw, s.dw);
  const keyOf = (d: Dot) => `${d.a},${d.b}`;
  const keys = [...new Map(row.map((d) => [keyOf(d), [d.a, d.b] as Key])).values()];
  const pairsPerRow = keys.length;
  const keyIndex = new Map(keys.map(([a, bb], i) => [`${a},${bb}`, i]));
  const w16 = ctx.addWeight(weightPairs(W, C, s, keys));
  const sumW = (c: number) => W.slice(c * taps, (c + 1) * taps).reduce((a, b) => a + b, 0);
  const folded = Int32Array.from({ length: C }, (_, c) => (o.bias?.[c] ?? 0) - zxU * sumW(c));
  const bias = ctx.addWeight(new Uint8Array(folded.buffer));
  const rounding = roundTo8Bit(fn, o.signedOut, o.zy, o.maxAbs);

  const plane = ctx.scratch, outBuf = ctx.scratch + planeBytes(s);
  const sweep = sweepOf(s);
  const n = fn.local('i32'), c = fn.local('i32'), r = fn.local('i32'), ix = fn.local('i32'), oy = fn.local('i32'), ox = fn.local('i32');
  const src = fn.local('i32'), dst = fn.local('i32'), from = fn.local('i32'), to = fn.local('i32'), last = fn.local('i32');
  const acc = Array.from({ length: 4 }, () => fn.local('v128'));
  const wv = Array.from({ length: s.kh * pairsPerRow }, () => fn.local('v128'));
  const b = fn.local('v128'), mult = fn.local('v128'), low = fn.local('v128'), flip = fn.local('v128');
  const load = fn.local('v128'), half = fn.local('v128'), padVec = fn.local('v128');

  const step: Expr[] = acc.map((a) => a.set(b.get()));
  for (let ky = 0; ky < s.kh; ky++) {
    step.push(...emitRow(fn, row, {
      at: (at) => fn.vload(fn.add(src.get(), fn.mul(ox.get(), s.sw)), ky * s.dh * s.Wp + at),
      weight: (d) => wv[ky * pairsPerRow + keyIndex.get(keyOf(d))!]!,
      acc, load, half, low,
    }));
  }
  step.push(fn.vstore(fn.add(dst.get(), ox.get()), packOutputs(fn, s.sw, acc.map((a) => rounding.requantize(a.get(), mult.get())), o.signedOut)));

  // A row's vector copy overruns at most 15 bytes: into its right pad and the next row's left pad,
  // which are contiguous, then into the next row (copied afterwards) or, after the last row, the
  // bottom pad. Whole vectors of the pad byte from the row's end put the pads back.
  const repad = Array.from({ length: Math.ceil(Math.max(s.Wp - s.W, 1) / 16) }, (_, k) => fn.vstore(to.get(), padVec.get(), s.W + 16 * k));
  const channelOut = () => fn.add(fn.mul(fn.add(fn.mul(n.get(), C), c.get()), s.OH * s.OW), y.addr);
  const outRow = () => fn.add(channelOut(), fn.mul(oy.get(), s.OW));
  // A row whose whole-vector stores would run past the tensor's end (its last rows: several when
  // OW < 16) goes through a buffer and a copy of OW bytes instead.
  const tensorEnd = y.addr + N * C * s.OH * s.OW;
  const overruns = (row: Expr) => fn.ltU(tensorEnd, fn.add(row, align16(s.OW)));
  const copied = (v: Expr) => (signed ? fn.vxor(v, flip.get()) : v);
  return [
    low.set(fn.visplat(0x00ff00ff)),
    ...rounding.prologue,
    ...(signed ? [flip.set(fn.visplat(0x80808080 | 0))] : []),
    padVec.set(fn.simd('i8x16', 'splat', fn.i(zxU & 0xff))),
    fn.fill(plane, zxU & 0xff, planeBytes(s)),
    fn.for(n, 0, N, 1, [fn.for(c, 0, C, 1, [
      // Rows copied 16 bytes at a time (reads and writes run past the row: the pads are put back).
      from.set(fn.add(fn.mul(fn.add(fn.mul(n.get(), C), c.get()), s.H * s.W), x.addr)),
      to.set(fn.i(plane + s.pt * s.Wp + s.pl)),
      fn.for(r, 0, s.H, 1, [
        ...copyVectors(fn, to, from, s.W, ix, copied),
        ...repad,
        from.set(fn.add(from.get(), s.W)),
        to.set(fn.add(to.get(), s.Wp)),
      ]),
      ...wv.map((v, k) => v.set(fn.vloadSplat(fn.mul(c.get(), 4 * wv.length), w16 + 4 * k))),
      b.set(fn.visplat(fn.loadI32(fn.shl(c.get(), 2), bias))),
      mult.set(fn.vloadSplat(fn.shl(c.get(), 2), o.mult)),
      ...(sweep.flat ? [
        src.set(fn.i(plane)), dst.set(fn.i(outBuf)),
        fn.for(ox, 0, sweep.count, OUTPUTS, step),
        // Rows copied out 16 bytes at a time, running into the next row (written afterwards).
        from.set(fn.i(outBuf)),
        to.set(channelOut()),
        fn.for(oy, 0, s.OH, 1, [
          fn.if(overruns(to.get()), [fn.copy(to.get(), from.get(), s.OW)], copyVectors(fn, to, from, s.OW, ix)),
          from.set(fn.add(from.get(), sweep.pitch)),
          to.set(fn.add(to.get(), s.OW)),
        ]),
      ] : [
        fn.for(oy, 0, s.OH, 1, [
          src.set(fn.add(fn.mul(oy.get(), s.sh * s.Wp), plane)),
          last.set(overruns(outRow())),
          dst.set(fn.selectI(last.get(), outBuf, outRow())),
          fn.for(ox, 0, s.OW, OUTPUTS, step),
          fn.if(last.get(), [fn.copy(outRow(), outBuf, s.OW)]),
        ]),
      ]),
    ])]),
  ];
}
