// The sliding-window loop shared by the channels-last kernels (depthwise NhwcConv, NhwcMaxPool,
// NhwcAveragePool). With channels innermost one f32x4 holds 4 channels of one pixel, so a tap is a
// plain vector load at any stride or dilation and no plane is copied. A row of outputs goes in
// steps of 4 neighbours: per channel block, each input column under a window row is loaded once
// and feeds every output whose window covers it. Taps outside the image are known at compile
// time for the border rows and edge columns (a few per side; unrolled), so they are skipped;
// beyond that border pixels go one by one, each tap pointing at the input or at a fill row (C
// floats: 0 for conv and average, -Infinity for max). Channels go in tiles so the input rows under
// a row of windows stay in cache for the next output row. The caller supplies how taps combine
// and what happens before the store.
import { Node, makeTensor } from '@onnx2wasm/ir';
import { StaticContext } from '../../lowering.js';
import { Expr, FnBuilder, Local } from '../../wasm-builder.js';
import { PlaneShape, planeShape } from './window-core.js';

/** The window geometry plus batch and channel counts (channels of input and output are equal). */
export interface NhwcShape extends PlaneShape { N: number; C: number }

/** Taps unrolled per channel block; past this the kernels refuse the window (code size, locals). */
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
export function fillRow(ctx: StaticContext, C: number, value: number): number {
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
  pixel: () => Expr;
  /** Every tap of the window is inside the image. */
  interior: boolean;
  /** In a span step, after `perBlock` and `perRow` ran (e.g. bias and weights in locals); else a lone border pixel. */
  hoisted: boolean;
}

export interface NhwcWindowSpec {
  shape: NhwcShape;
  x: number; y: number;
  /** Address of the fill row (paddedChannels(C) floats) that out-of-bounds taps read. */
  fill: number;
  /** Statements run per channel block of a span step, before its taps (`c4` as in BlockAt). */
  perBlock?: (c4: () => Expr) => Expr[];
  /** Statements run per window row `ky` of a span step, before that row's taps. */
  perRow?: (c4: () => Expr, ky: number) => Expr[];
  /** Combines tap `t` (ky * kw + kx) into the partial result; `acc` is undefined for the first tap. */
  tap: (acc: Expr | undefined, v: Expr, t: number, at: BlockAt) => Expr;
  /** Statements between the last tap and the store (bias, divisor, residual, activation). */
  finish: (acc: Local, at: BlockAt) => Expr[];
  /**
   * A second chain per output over a value of each input vector (`of`, computed once per loaded
   * vector), joined by `combine`; `finish` applies it before the spec's finish (MaxPool's NaN mask).
   */
  side?: { of: (v: () => Expr) => Expr; combine: (a: Expr, b: Expr) => Expr; finish: (acc: Local, side: Local) => Expr[] };
  /** Outputs per span step (default SPAN_OUTPUTS). */
  spanOutputs?: number;
}

/** Outputs per span step by default (measured on depthwise conv: 4 beats 2, 3, 5 and 6). */
const SPAN_OUTPUTS = 4;

/** Border rows or columns on one side handled as compile-time steps; more go pixel by pixel. */
const MAX_EDGE = 4;

/** Ceil division for possibly negative numerators. */
const ceilDiv = (a: number, b: number) => -Math.floor(-a / b);

/** [lo, hi) of outputs along one axis whose window lies inside [0, size). */
export function interiorRange(size: number, out: number, k: number, s: number, d: number, pad: number): [number, number] {
  const lo = Math.min(out, ceilDiv(pad, s));
  const hi = Math.floor((size - 1 - (k - 1) * d + pad) / s) + 1;
  return [lo, Math.max(lo, Math.min(out, hi))];
}

/** The statements of the whole window op over all images (see the file comment). */
export function emitNhwcWindow(fn: FnBuilder, spec: NhwcWindowSpec): Expr[] {
  const s = spec.shape;
  const { C } = s;
  const taps = s.kh * s.kw;
  if (taps > MAX_NHWC_TAPS) throw new Error(`NHWC window of ${taps} taps`);
  const pixelBytes = 4 * C;
  const tapOff = (ky: number, kx: number) => pixelBytes * (ky * s.dh * s.W + kx * s.dw);
  const [oyLo, oyHi] = interiorRange(s.H, s.OH, s.kh, s.sh, s.dh, s.pt);
  const [oxLo, oxHi] = interiorRange(s.W, s.OW, s.kw, s.sw, s.dw, s.pl);
  const full = 4 * Math.floor(C / 4);

  const n = fn.local('i32'), oy = fn.local('i32'), ox = fn.local('i32'), c = fn.local('i32');
  // rowPixel: (n * OH + oy) * OW, the first output pixel of the row in Y.
  const iy = fn.local('i32'), ix = fn.local('i32'), rowPixel = fn.local('i32'), imgPixel = fn.local('i32');
  const xImg = fn.local('i32'), p0 = fn.local('i32'), yPix = fn.local('i32');
  const ptrs = Array.from({ length: taps }, () => fn.local('i32'));
  const stepOutputs = spec.spanOutputs ?? SPAN_OUTPUTS;
  const accs = Array.from({ length: stepOutputs }, () => fn.local('v128'));
  const col = fn.local('v128');
  const side = spec.side;
  const sides = side ? Array.from({ length: stepOutputs }, () => fn.local('v128')) : [];
  const sideCol = fn.local('v128');

  const store = (acc: Local, at: BlockAt, lanes: number): Expr[] => (lanes === 4
    ? [fn.vstore(at.out(), acc.get(), spec.y)]
    : Array.from({ length: lanes }, (_, l) => fn.vstoreLane(at.out(), acc.get(), l, spec.y + 4 * l)));
  // The image is swept once per channel tile: whole blocks [tile, tileEnd) bytes, then (if C % 4)
  // once more for the last block alone, whose stores write only its C % 4 lanes.
  const tile = fn.local('i32'), tileEnd = fn.local('i32');
  let tailPass = false;
  const channels = (body: (c4: () => Expr, lanes: number) => Expr[]): Expr[] => (tailPass
    ? body(() => fn.i(4 * full), C % 4)
    : [fn.for(c, tile.get(), tileEnd.get(), 16, body(() => c.get(), 4))]);

  // ---- border pixels: each tap reads the input or the fill row ----
  const borderPixel = (): Expr[] => {
    const pointers: Expr[] = [];
    for (let ky = 0; ky < s.kh; ky++) {
      for (let kx = 0; kx < s.kw; kx++) {
        const inside = fn.and(fn.ltU(fn.add(iy.get(), ky * s.dh), s.H), fn.ltU(fn.add(ix.get(), kx * s.dw), s.W));
        pointers.push(ptrs[ky * s.kw + kx]!.set(fn.selectI(inside, fn.add(p0.get(), tapOff(ky, kx)), spec.fill)));
      }
    }
    const block = (c4: () => Expr, lanes: number): Expr[] => {
      const at: BlockAt = { c4, out: () => fn.add(yPix.get(), c4()), pixel: () => fn.add(fn.mul(oy.get(), s.OW), ox.get()), interior: false, hoisted: false };
      if (!side) {
        let v: Expr | undefined;
        for (let t = 0; t < taps; t++) v = spec.tap(v, fn.vload(fn.add(ptrs[t]!.get(), c4())), t, at);
        return [accs[0]!.set(v!), ...spec.finish(accs[0]!, at), ...store(accs[0]!, at, lanes)];
      }
      const out: Expr[] = [];
      for (let t = 0; t < taps; t++) {
        out.push(col.set(fn.vload(fn.add(ptrs[t]!.get(), c4()))));
        out.push(accs[0]!.set(spec.tap(t ? accs[0]!.get() : undefined, col.get(), t, at)));
        const of = side.of(() => col.get());
        out.push(sides[0]!.set(t ? side.combine(sides[0]!.get(), of) : of));
      }
      return [...out, ...side.finish(accs[0]!, sides[0]!), ...spec.finish(accs[0]!, at), ...store(accs[0]!, at, lanes)];
    };
    return [
      ix.set(fn.sub(fn.mul(ox.get(), s.sw), s.pl)),
      // p0: the window's top-left tap, possibly outside the image (then used only for taps inside).
      p0.set(fn.add(xImg.get(), fn.mul(fn.add(fn.mul(iy.get(), s.W), ix.get()), pixelBytes))),
      yPix.set(fn.mul(fn.add(rowPixel.get(), ox.get()), pixelBytes)),
      ...pointers,
      ...channels(block),
    ];
  };
  const borderPixels = (from: number, to: number) => fn.for(ox, from, to, 1, borderPixel());

  // ---- span steps: R outputs of a row, per channel block; each input column of a window row
  // is loaded once and feeds every output whose window covers it. `ok` drops the taps outside
  // the image (border rows and columns known at compile time) ----
  const q = fn.local('i32'), o = fn.local('i32'), g = fn.local('i32');
  type TapOk = (r: number, ky: number, kx: number) => boolean;
  const spanStep = (R: number, c4: () => Expr, lanes: number, ok: TapOk, interior: boolean): Expr[] => {
    const at = (r: number): BlockAt => ({
      c4, out: () => fn.add(fn.add(o.get(), c4()), r * pixelBytes), pixel: () => fn.add(fn.mul(oy.get(), s.OW), fn.add(g.get(), r)), interior, hoisted: true,
    });
    // Off the interior q may lie outside the image, so the offset joins the address arithmetic
    // (a load's constant offset is added without wrapping).
    const load = (off: number) => (interior ? fn.vload(fn.add(q.get(), c4()), off) : fn.vload(fn.add(fn.add(q.get(), c4()), off)));
    const started = new Array<boolean>(R).fill(false);
    const out: Expr[] = [...(spec.perBlock?.(c4) ?? [])];
    for (let ky = 0; ky < s.kh; ky++) {
      const uses = new Map<number, [number, number][]>(); // input column → (output r, tap kx)
      for (let r = 0; r < R; r++) for (let kx = 0; kx < s.kw; kx++) {
        if (!ok(r, ky, kx)) continue;
        const cx = r * s.sw + kx * s.dw;
        uses.set(cx, [...(uses.get(cx) ?? []), [r, kx]]);
      }
      if (!uses.size) continue;
      const rowOut: Expr[] = [...(spec.perRow?.(c4, ky) ?? [])];
      for (const cx of [...uses.keys()].sort((a, b) => a - b)) {
        rowOut.push(col.set(load(pixelBytes * (ky * s.dh * s.W + cx))));
        if (side) rowOut.push(sideCol.set(side.of(() => col.get())));
        for (const [r, kx] of uses.get(cx)!) {
          rowOut.push(accs[r]!.set(spec.tap(started[r] ? accs[r]!.get() : undefined, col.get(), ky * s.kw + kx, at(r))));
          if (side) rowOut.push(sides[r]!.set(started[r] ? side.combine(sides[r]!.get(), sideCol.get()) : sideCol.get()));
          started[r] = true;
        }
      }
      // A branch that is always taken (q is a float address, never 1) fences each window row:
      // without it Binaryen sinks every output's chain into its store and V8 then issues all the
      // step's loads first and spills (measured: 32ch@112 s1 0.27 -> 0.24 ms).
      out.push(fn.if(fn.ne(q.get(), 1), rowOut));
    }
    for (let r = 0; r < R; r++) out.push(...(side ? side.finish(accs[r]!, sides[r]!) : []), ...spec.finish(accs[r]!, at(r)), ...store(accs[r]!, at(r), lanes));
    return out;
  };
  const stepAt = (R: number, ok: TapOk, interior: boolean): Expr[] => [
    // q: the window's top-left input pixel for output g; o: output pixel g in Y (both in bytes).
    q.set(fn.add(xImg.get(), fn.mul(fn.add(fn.mul(iy.get(), s.W), fn.sub(fn.mul(g.get(), s.sw), s.pl)), pixelBytes))),
    o.set(fn.mul(fn.add(rowPixel.get(), g.get()), pixelBytes)),
    ...channels((c4, lanes) => spanStep(R, c4, lanes, ok, interior)),
  ];

  // ---- one output row: edge columns one step each (or pixel by pixel when there are many), the
  // interior span R outputs per step ----
  const inRange = (v: number, size: number) => v >= 0 && v < size;
  const edgeColumns = (from: number, to: number, rowOk: (ky: number) => boolean): Expr[] => {
    if (to - from > MAX_EDGE) return [borderPixels(from, to)];
    return Array.from({ length: to - from }, (_, k) => {
      const ox0 = from + k;
      const ok: TapOk = (_, ky, kx) => rowOk(ky) && inRange(ox0 * s.sw - s.pl + kx * s.dw, s.W);
      const any = Array.from({ length: taps }, (_, t) => ok(0, Math.floor(t / s.kw), t % s.kw)).some((b) => b);
      return any ? [g.set(fn.i(ox0)), ...stepAt(1, ok, false)] : [borderPixels(ox0, ox0 + 1)];
    }).flat();
  };
  const span = oxHi - oxLo, steps = Math.floor(span / stepOutputs), rest = span % stepOutputs;
  const rowSteps = (rowOk: (ky: number) => boolean, interior: boolean): Expr[] => {
    const ok: TapOk = (_, ky) => rowOk(ky);
    return [
      ...edgeColumns(0, oxLo, rowOk),
      fn.for(g, oxLo, oxLo + steps * stepOutputs, stepOutputs, stepAt(stepOutputs, ok, interior)),
      ...(rest ? [g.set(fn.i(oxLo + steps * stepOutputs)), ...stepAt(rest, ok, interior)] : []),
      ...edgeColumns(oxHi, s.OW, rowOk),
    ];
  };
  const rowStart = (): Expr[] => [
    iy.set(fn.sub(fn.mul(oy.get(), s.sh), s.pt)),
    rowPixel.set(fn.add(imgPixel.get(), fn.mul(oy.get(), s.OW))),
  ];
  // Border rows: unrolled with their taps known (pixel by pixel when there are many).
  const borderRows = (from: number, to: number): Expr[] => {
    if (to - from > MAX_EDGE) return [fn.for(oy, from, to, 1, [...rowStart(), borderPixels(0, s.OW)])];
    return Array.from({ length: to - from }, (_, k) => {
      const oy0 = from + k;
      const rowOk = (ky: number) => inRange(oy0 * s.sh - s.pt + ky * s.dh, s.H);
      const any = Array.from({ length: s.kh }, (_, ky) => rowOk(ky)).some((b) => b);
      return [oy.set(fn.i(oy0)), ...rowStart(), ...(any ? rowSteps(rowOk, false) : [borderPixels(0, s.OW)])];
    }).flat();
  };
  const sweep = (): Expr[] => [
    ...borderRows(0, oyLo),
    fn.for(oy, oyLo, oyHi, 1, [...rowStart(), ...rowSteps(() => true, true)]),
    ...borderRows(oyHi, s.OH),
  ];
  const tileBytes = 16 * tileBlocks(s);
  const tiles = full ? [fn.for(tile, 0, 4 * full, tileBytes, [
    tileEnd.set(fn.selectI(fn.ltS(fn.add(tile.get(), tileBytes), 4 * full), fn.add(tile.get(), tileBytes), 4 * full)),
    ...sweep(),
  ])] : [];
  tailPass = true;
  const tail = C % 4 ? sweep() : [];
  return [
    fn.for(n, 0, s.N, 1, [
      xImg.set(fn.add(fn.mul(n.get(), s.H * s.W * pixelBytes), spec.x)),
      imgPixel.set(fn.mul(n.get(), s.OH * s.OW)),
      ...tiles,
      ...tail,
    ]),
  ];
}

/** Bytes of the input rows under a window row of outputs, per channel tile (measured: 12 KB). */
const TILE_BUDGET = 12288;

/** Tiles narrower than this cost more in loop overhead than they save (measured on 2-block tiles). */
const MIN_TILE_BLOCKS = 4;

/**
 * Channel blocks per tile: a tile's input rows under the window stay in cache from one output row
 * to the next (whole rows of many channels would not). Wide images get one tile.
 */
export function tileBlocks(s: NhwcShape): number {
  const perBlock = ((s.kh - 1) * s.dh + 1) * s.W * 16;
  const blocks = Math.floor(TILE_BUDGET / perBlock);
  return blocks < MIN_TILE_BLOCKS ? Math.max(1, Math.floor(s.C / 4)) : blocks;
}
