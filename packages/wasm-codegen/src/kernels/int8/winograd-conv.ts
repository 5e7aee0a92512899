// The 8-bit QLinearConv's 3x3, stride-1, undilated, group-1 layers by an exact integer Winograd
// F(2x2, 3x3) (transforms in winograd-transforms.ts): 16 multiplies per 2x2 outputs instead of 36.
//
// Why it is exact: with G' = 2G every transform is integer. The input transform of 8-bit data is at
// most 4·255 in magnitude and the filter transform at most 9·255: both fit i16, so the 16 GEMMs run
// on i32x4.dot_i16x8_s like the im2col GEMM (gemm-i16.ts). Everything after the i16 products is
// adds and subtracts on int32 — ring operations modulo 2^32 — so however the intermediate sums
// wrap, Y' = Aᵀ M A equals 4 · (the conv's sum) modulo 2^32; and that true value is at most
// 4 · 9 · C · 255 · max|w| < 2^31 (the plan's bound on C), so Y' is it exactly, and Y' >> 2 is the
// same int32 the im2col kernel sums. The bias and requantization then are the same instructions.
//
// Per image: the input copied into zero-point-padded planes grown to whole tiles; then per band of
// tile rows:
//   1. the input transform of the band's tiles into the i16 panels (tile rows padded to 4 tiles);
//   2. per pair of output channels and block of 16 tiles: the 16 GEMMs over the input channels
//      (the sums of each position stored to a 2 KB buffer that stays in L1), then the output
//      transform, >> 2, bias, requantization and the 2x2 outputs of 4 tiles at a time stored.
// The filters are transformed at load time (module init) into a derived region: the weights file
// keeps the 8-bit 3x3 filters, memory holds 16 i16 per filter (32 bytes instead of 9).
import { Node, qlinearConvAttrs } from '@onnx2wasm/ir';
import { StaticContext, StaticOperand } from '../../lowering.js';
import { Expr } from '../../wasm-builder.js';
import { PlaneShape, planeShape } from '../emit/window-core.js';
import { narrowTo8Bit, roundTo8Bit } from './round-to-8bit.js';
import { emitInputTransform, filterTransformHelper, outputTransform, packFilters } from './winograd-transforms.js';

/**
 * When Winograd replaces im2col, from timing both (docs/benchmarks.md, "Int8 Winograd dispatch"):
 * at least `minC` input and `minM` output channels, and at most `maxMultiplies` of im2col's
 * multiplies once both are rounded to their blocks (tile rows padded to 4 tiles, bands to blocks
 * of 16 tiles or a last one of 8; im2col's pixels to 16). Planes of 3x3 or 4x4 outputs fail the
 * last: 8 tiles computed for their 4 (with 2x2 outputs of which a 3x3 plane uses 9 of 16).
 * Mutable so that tests can force either path.
 */
export const int8WinogradLimits = { minC: 8, minM: 8, maxMultiplies: 0.8 };

/** Bytes of one band's panels (all 16 positions): kept in L2 while the output channels sweep them. */
const PANEL_BYTES = 256 * 1024;

const align16 = (n: number) => 16 * Math.ceil(n / 16);

export interface Int8WinogradPlan {
  s: PlaneShape;
  C: number; M: number;
  /** Pairs of input and output channels. */
  C2: number; M2: number;
  /** Tile rows, tiles per row, tiles per row padded to whole groups of 4. */
  TH: number; TW: number; TWp: number;
  /** Tile rows per band, and the 16-tile blocks of a full band. */
  rows: number; blocks: number;
  padBytes: number; panelBytes: number;
}

/** Tiles computed by a band of `tiles` tiles: blocks of 16, the last one of 8 when that covers it. */
const blockTiles = (tiles: number) => 16 * Math.floor(tiles / 16) + (tiles % 16 === 0 ? 0 : tiles % 16 <= 8 ? 8 : 16);

/** Tiles computed with bands of `rows` tile rows. */
function tilesComputed(TH: number, TWp: number, rows: number): number {
  return Math.floor(TH / rows) * blockTiles(rows * TWp) + blockTiles((TH % rows) * TWp);
}

/**
 * Tile rows per band, at most `most` (the panels' L2 budget) and at least half that: the count
 * that computes the fewest padding tiles (56x56: bands of 4 rows of 28 tiles fill 7 blocks exactly),
 * the larger on ties.
 */
function bandRows(TH: number, TWp: number, most: number): { rows: number; tiles: number } {
  let best = { rows: most, tiles: tilesComputed(TH, TWp, most) };
  for (let r = most - 1; r >= Math.ceil(most / 2); r--) {
    const tiles = tilesComputed(TH, TWp, r);
    if (tiles < best.tiles) best = { rows: r, tiles };
  }
  return best;
}

/** The plan of an 8-bit conv, or undefined when it does not take Winograd. */
export function int8WinogradPlanOf(node: Node, x: number[], w: number[], y: number[], signedWeights: boolean): Int8WinogradPlan | undefined {
  const { group, winograd } = qlinearConvAttrs(node);
  if (winograd === 'off' || group !== 1 || x.length !== 4 || w.length !== 4) return undefined;
  const s = planeShape(node, x, y, w.slice(2));
  if (!s || s.kh !== 3 || s.kw !== 3 || s.sh !== 1 || s.sw !== 1 || s.dh !== 1 || s.dw !== 1) return undefined;
  const C = x[1]!, M = w[0]!;
  // |4 · sum| ≤ 4 · 9 · C · 255 · max|w| must stay below 2^31 (see the header).
  if (36 * 255 * (signedWeights ? 128 : 255) * C >= 2 ** 31) return undefined;
  const C2 = Math.ceil(C / 2), M2 = Math.ceil(M / 2);
  const TH = Math.ceil(s.OH / 2), TW = Math.ceil(s.OW / 2), TWp = 4 * Math.ceil(TW / 4);
  const blockBytes = 16 * C2 * 64;
  const { rows, tiles } = bandRows(TH, TWp, Math.max(1, Math.min(TH, Math.floor((Math.max(1, Math.floor(PANEL_BYTES / blockBytes)) * 16) / TWp))));
  const blocks = Math.ceil((rows * TWp) / 16);
  const multiplies = (16 * tiles) / (9 * align16(s.OH * s.OW));
  if (winograd !== 'on' && (C < int8WinogradLimits.minC || M < int8WinogradLimits.minM || multiplies > int8WinogradLimits.maxMultiplies)) return undefined;
  const Hp = 2 * TH + 2, Wp = 2 * TWp + 2;
  return {
    s: { ...s, Hp, Wp }, C, M, C2, M2, TH, TW, TWp, rows, blocks,
    // 32 bytes of slack: the last group of a row loads 16 bytes from its first column.
    padBytes: align16(2 * C2 * Hp * Wp + 32),
    panelBytes: blocks * blockBytes,
  };
}

/** Scratch: padded planes, the band's panels, the 16 positions' sums of a tile block, one output vector. */
export function int8WinogradScratchBytes(p: Int8WinogradPlan): number {
  return p.padBytes + p.panelBytes + 16 * 128 + 16;
}

/** The transformed filters U': 16 i16 per filter of the channels padded to pairs, computed at load. */
export function int8WinogradDerivedBytes(p: Int8WinogradPlan): number {
  return 16 * 4 * p.M2 * p.C2 * 2;
}

export interface Int8WinogradOperands {
  x: StaticOperand; y: StaticOperand;
  /** The filters [M, C, 3, 3] and the int32 bias, compile-time constants. */
  w: ArrayLike<number>; bias?: ArrayLike<number>;
  /** Address of the M (+1 padding) float32 requantization multipliers. */
  mult: number;
  zx: number; zy: number;
  signedX: boolean; signedW: boolean; signedOut: boolean;
  /** The largest |float32(sum) · multiplier| (qlinear-conv.ts productBound): under 2^22 the rounding skips its clamp. */
  maxAbs: number;
}

export function lowerInt8Winograd(ctx: StaticContext, p: Int8WinogradPlan, o: Int8WinogradOperands): Expr[] {
  const { fn } = ctx;
  const { s, C, M, C2, M2, TWp } = p;
  if (ctx.derived === undefined || ctx.derived < 0 || !ctx.atLoad) throw new Error('the 8-bit Winograd path needs a derived region (derivedBytes) and load-time code');
  const u = ctx.derived, filters = ctx.addWeight(packFilters(o.w, M, C));
  const transform = filterTransformHelper((name, build, params) => ctx.helper(name, build, params), o.signedW);
  ctx.atLoad((init) => [init.call(transform, [init.i(filters), init.i(u), init.i(M2), init.i(C2)])]);

  // The input is transformed uncentred; centring it would subtract 4·zx from position 5 (Bᵀ's row
  // sums are 0, 2, 0, 0), which after the output transform is zx · Σ g[m] off every output: folded here.
  const bias = new Int32Array(2 * M2);
  for (let m = 0; m < M; m++) {
    let sum = 0;
    for (let k = 0; k < 9 * C; k++) sum += Number(o.w[m * 9 * C + k]);
    bias[m] = ((o.bias ? Number(o.bias[m]) : 0) - Math.imul(o.zx, sum)) | 0;
  }
  const biasAddr = ctx.addWeight(new Uint8Array(bias.buffer));

  const plane = s.Hp * s.Wp, blockBytes = 16 * C2 * 64;
  const pad = ctx.scratch, panel = pad + p.padBytes, sums = panel + p.panelBytes, outTmp = sums + 16 * 128;
  const n = fn.local('i32'), c = fn.local('i32'), r = fn.local('i32'), ty0 = fn.local('i32'), bandRows = fn.local('i32'), tiles = fn.local('i32'), blocks = fn.local('i32');

  // 1. Input transform: 4 tiles × 2 channels per step.
  const tyl = fn.local('i32'), tx = fn.local('i32'), kp = fn.local('i32'), src = fn.local('i32'), dst = fn.local('i32'), t = fn.local('i32');
  const inputTransform = fn.for(tyl, 0, bandRows.get(), 1, [fn.for(tx, 0, TWp, 4, [
    t.set(fn.add(fn.mul(tyl.get(), TWp), tx.get())),
    src.set(fn.add(fn.mul(fn.add(ty0.get(), tyl.get()), 2 * s.Wp), fn.add(fn.shl(tx.get(), 1), pad))),
    dst.set(fn.add(fn.mul(fn.num('i32', 'shr_u', t.get(), fn.i(4)), blockBytes), fn.add(fn.shl(fn.and(t.get(), 15), 2), panel))),
    fn.for(kp, 0, C2, 1, [
      ...emitInputTransform(fn, o.signedX, (i, ch) => fn.vload(src.get(), (ch * plane + i * s.Wp)), dst, C2 * 64),
      src.set(fn.add(src.get(), 2 * plane)),
      dst.set(fn.add(dst.get(), 64)),
    ]),
  ])]);

  // 2. Per pair of output channels and block of 16 tiles: the 16 GEMMs, then the output transform.
  const mp = fn.local('i32'), pb = fn.local('i32'), xi = fn.local('i32'), k = fn.local('i32'), bp = fn.local('i32'), wp = fn.local('i32'), sp = fn.local('i32');
  const acc = [0, 1].map(() => [0, 1, 2, 3].map(() => fn.local('v128')));
  const wv = [0, 1].map(() => fn.local('v128'));
  // The 16 GEMMs of a block of `vectors` × 4 tiles: a band's last block takes 2 vectors (8 tiles)
  // when no more remain, so a 14x14 plane (56 tiles) computes 56, not 64.
  const gemms = (vectors: number): Expr => {
    const dot: Expr[] = [wv[0]!.set(fn.vloadSplat(wp.get(), 0)), wv[1]!.set(fn.vloadSplat(wp.get(), 4))];
    for (let j = 0; j < vectors; j++) for (let i = 0; i < 2; i++) {
      dot.push(acc[i]![j]!.set(fn.viadd(acc[i]![j]!.get(), fn.simd('i32x4', 'dot_i16x8_s', wv[i]!.get(), fn.vload(bp.get(), 16 * j)))));
    }
    dot.push(bp.set(fn.add(bp.get(), 64)), wp.set(fn.add(wp.get(), 8)));
    const used = acc.map((row) => row.slice(0, vectors));
    return fn.for(xi, 0, 16, 1, [
      ...used.flat().map((a) => a.set(fn.vzero())),
      fn.for(k, 0, C2, 1, dot),
      ...used.flatMap((row, i) => row.map((a, j) => fn.vstore(sp.get(), a.get(), 64 * i + 16 * j))),
      sp.set(fn.add(sp.get(), 128)),
    ]);
  };

  const i = fn.local('i32'), j = fn.local('i32'), m = fn.local('i32'), t0 = fn.local('i32'), base = fn.local('i32');
  const oy = fn.local('i32'), ox = fn.local('i32'), valid = fn.local('i32'), out = fn.local('i32');
  const biasV = fn.local('v128'), multV = fn.local('v128'), res = fn.local('v128');
  const sLocals = Array.from({ length: 8 }, () => fn.local('v128'));
  const rounding = roundTo8Bit(fn, o.signedOut, o.zy, o.maxAbs);
  const ot = outputTransform(fn, (x) => fn.vload(base.get(), 128 * x), sLocals);
  const requant = (v: Expr) => rounding.requantize(fn.viadd(fn.simd('i32x4', 'shr_s', v, fn.i(2)), biasV.get()), multV.get());
  const rowBytes = (row: number) => [0, 4, 1, 5, 2, 6, 3, 7].map((b) => b + 8 * row);
  const lastRowMayBeMissing = s.OH % 2 === 1;
  const secondRow = (stmt: Expr): Expr => (lastRowMayBeMissing ? fn.if(fn.ltS(fn.add(oy.get(), 1), s.OH), [stmt]) : stmt);
  const group: Expr[] = [
    t0.set(fn.add(fn.shl(pb.get(), 4), fn.shl(j.get(), 2))),
    fn.if(fn.ltS(t0.get(), tiles.get()), [
      tyl.set(fn.divU(t0.get(), TWp)),
      ox.set(fn.shl(fn.sub(t0.get(), fn.mul(tyl.get(), TWp)), 1)),
      valid.set(fn.sub(s.OW, ox.get())),
      fn.if(fn.gtS(valid.get(), 0), [
        oy.set(fn.shl(fn.add(ty0.get(), tyl.get()), 1)),
        base.set(fn.add(fn.add(fn.shl(i.get(), 6), fn.shl(j.get(), 4)), sums)),
        ...ot.stmts,
        res.set(narrowTo8Bit(fn, [requant(ot.y[0]!), requant(ot.y[1]!), requant(ot.y[2]!), requant(ot.y[3]!)], o.signedOut)),
        out.set(fn.add(fn.add(fn.mul(fn.add(fn.mul(n.get(), M), m.get()), s.OH * s.OW), fn.add(fn.mul(oy.get(), s.OW), ox.get())), o.y.addr)),
        fn.if(fn.geS(valid.get(), 8), [
          fn.vstoreLow8(out.get(), fn.shuffle8(res.get(), fn.vzero(), [...rowBytes(0), ...rowBytes(1)])),
          secondRow(fn.vstoreLow8(fn.add(out.get(), s.OW), fn.shuffle8(res.get(), fn.vzero(), [...rowBytes(1), ...rowBytes(0)]))),
        ], [
          // The right edge: fewer than 8 output columns (an odd width, or tiles of the padding).
          fn.vstore(outTmp, fn.shuffle8(res.get(), fn.vzero(), [...rowBytes(0), ...rowBytes(1)])),
          fn.copy(out.get(), outTmp, valid.get()),
          secondRow(fn.copy(fn.add(out.get(), s.OW), outTmp + 8, valid.get())),
        ]),
      ]),
    ]),
  ];
  const channel: Expr[] = [
    m.set(fn.add(fn.shl(mp.get(), 1), i.get())),
    fn.if(fn.ltS(m.get(), M), [
      biasV.set(fn.vloadSplat(fn.shl(m.get(), 2), biasAddr)),
      multV.set(fn.vloadSplat(fn.shl(m.get(), 2), o.mult)),
      fn.for(j, 0, 4, 1, group),
    ]),
  ];
  const gemmAndOutput = fn.for(mp, 0, M2, 1, [fn.for(pb, 0, blocks.get(), 1, [
    bp.set(fn.add(fn.mul(pb.get(), blockBytes), panel)),
    wp.set(fn.add(fn.mul(mp.get(), 16 * C2 * 8), u)),
    sp.set(fn.i(sums)),
    fn.if(fn.leS(fn.sub(tiles.get(), fn.shl(pb.get(), 4)), 8), [gemms(2)], [gemms(4)]),
    fn.for(i, 0, 2, 1, channel),
  ])]);

  const band: Expr[] = [
    bandRows.set(fn.selectI(fn.ltS(fn.sub(p.TH, ty0.get()), p.rows), fn.sub(p.TH, ty0.get()), p.rows)),
    tiles.set(fn.mul(bandRows.get(), TWp)),
    blocks.set(fn.divU(fn.add(tiles.get(), 15), 16)),
    inputTransform,
    gemmAndOutput,
  ];
  return [
    // The border (and an odd C's extra channel) stays at the zero point: each image overwrites only the interior.
    fn.fill(pad, o.zx & 0xff, p.padBytes),
    ...rounding.prologue,
    fn.for(n, 0, o.x.dims[0]!, 1, [
      fn.for(c, 0, C, 1, [fn.for(r, 0, s.H, 1, [
        fn.copy(
          fn.add(fn.add(fn.mul(c.get(), plane), fn.mul(r.get(), s.Wp)), pad + s.pt * s.Wp + s.pl),
          fn.add(fn.add(fn.mul(fn.add(fn.mul(n.get(), C), c.get()), s.H * s.W), fn.mul(r.get(), s.W)), o.x.addr),
          s.W,
        ),
      ])]),
      fn.for(ty0, 0, p.TH, p.rows, band),
    ]),
  ];
}
