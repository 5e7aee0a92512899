// Winograd F(m x m, 3x3) for channels-last NhwcConv: the same transforms, limits and F(2)/F(4)
// choice as the NCHW kernel (conv-winograd.ts), laid out so that every transform vectorizes across
// 4 channels with no shuffles. Per image, after a zero-padded copy ([Hp, Wp, C]), per band of
// tile rows:
//   1. input transform: per tile and 4 channels, the a² input vectors → Bᵀ d B →
//      V[ξ][tile][c] (a² matrices [tiles, C], rows padded to whole vectors);
//   2. a² GEMMs M_ξ[tiles, M] = V_ξ[tiles, C] × U_ξ[C, M] into Mbuf[ξ][tile][m];
//   3. output transform: per tile and 4 output channels, Aᵀ M A, bias, residual and activation,
//      stored to the m x m pixels that exist (partial tiles at the right/bottom edges store fewer).
// Here the GEMM re-reads U_ξ for every block of 4 tiles (the NCHW kernel re-reads the small V
// band instead), so U_ξ is cut into depth × column chunks that stay in L1 (nhwcWinogradTuning).
// U = G g Gᵀ is computed at load time by init() straight into the packed panels the GEMM reads
// (gemm-pack.ts layout), so the weights file keeps the 3x3 filters.
import { readActivation } from '@onnx2wasm/ir';
import { StaticContext, StaticOperand } from '../../lowering.js';
import { Expr, FnBuilder, Local } from '../../wasm-builder.js';
import { emitActivation } from '../emit/activation.js';
import { keyedHelperName } from '../emit/helper-names.js';
import { Transforms, combine, emitFilterTransform, winogradPlanOf, xiStride } from './conv-winograd.js';
import { GemmSpec, PANEL, aPackBytes, packsRowsOfA } from '../emit/gemm-core.js';
import { Blocking, DEFAULT_BLOCKING, emitBlockedGemm } from '../emit/gemm-blocked.js';
import { packedTailOffset } from '../emit/gemm-pack.js';
import { PlaneShape } from '../emit/window-core.js';

/**
 * Depth × columns of U_ξ per GEMM call (kc, nc): the chunk is re-read for every block of 4 tiles,
 * so it should stay in L1; each extra depth chunk re-reads and re-writes Mbuf, each extra column
 * chunk re-reads V. Bands of at most `fewTiles` tiles re-read a chunk so few times that fewer
 * passes over Mbuf win: they take the GEMM's default blocking (256@14: 1.94 → 1.71 ms).
 * bandFloats: floats of one ξ's V band (tiles × depth chunk) to aim for. Mutable so the
 * measurements can try other sizes.
 */
export const nhwcWinogradTuning: Blocking & { bandFloats: number; fewTiles: number } = { kc: 64, nc: 64, bandFloats: 4096, fewTiles: 16 };

export interface NhwcWinogradPlan {
  t: Transforms; s: PlaneShape;
  C: number; M: number;
  /** C and M rounded up to whole vectors: the row strides of V and Mbuf. */
  Cp: number; Mp: number;
  /** Tile rows and tiles per row; tile rows per band. */
  TH: number; TW: number; rows: number;
  /** Extent of the zero-padded input copy. */
  Hp: number; Wp: number;
  padBytes: number; vBytes: number; mBytes: number; aPack: boolean;
  blocking: Blocking;
}

/** The plan when NCHW Conv would take Winograd for this conv (same limits), else undefined. */
export function nhwcWinogradPlanOf(s: PlaneShape, C: number, M: number, group: number, constantWeights: boolean, force = false): NhwcWinogradPlan | undefined {
  const nchw = winogradPlanOf(s, C, M, group, constantWeights, force);
  if (!nchw) return undefined;
  const { t } = nchw, m = t.m, a2 = (m + 2) ** 2;
  const TH = Math.ceil(s.OH / m), TW = Math.ceil(s.OW / m);
  const rows = Math.max(1, Math.min(TH, Math.floor(nhwcWinogradTuning.bandFloats / (Math.min(C, nhwcWinogradTuning.kc) * TW))));
  const Cp = 4 * Math.ceil(C / 4), Mp = 4 * Math.ceil(M / 4), n = rows * TW;
  const Hp = m * TH + 2, Wp = m * TW + 2;
  // 16 bytes of slack: the last group of a C % 4 != 0 plane reads up to 3 floats past it.
  const padBytes = 16 * Math.ceil((Hp * Wp * C) / 4) + 16;
  const aPack = packsRowsOfA(n, C, M);
  const blocking = n <= nhwcWinogradTuning.fewTiles ? DEFAULT_BLOCKING : { kc: nhwcWinogradTuning.kc, nc: nhwcWinogradTuning.nc };
  return { t, s, C, M, Cp, Mp, TH, TW, rows, Hp, Wp, padBytes, vBytes: a2 * xiStride(n, Cp), mBytes: a2 * xiStride(n, Mp), aPack, blocking };
}

export function nhwcWinogradScratchBytes(p: NhwcWinogradPlan): number {
  return p.padBytes + p.vBytes + p.mBytes + (p.aPack ? aPackBytes(p.C) : 0);
}

/** Bytes of U: a² packed [C, M] matrices. */
export function nhwcWinogradDerivedBytes(p: NhwcWinogradPlan): number {
  return 4 * (p.t.m + 2) ** 2 * p.M * p.C;
}

/**
 * A shared function (src, dst, M, C) writing U_ξ = (G g Gᵀ)_ξ of the [M, C, 3, 3] filters at src
 * into dst as a² [C, M] matrices in packB's panel layout (full panels of PANEL columns, then the
 * compact M % PANEL tail), one matrix after the other.
 */
function weightTransform(ctx: StaticContext, t: Transforms): string {
  return ctx.helper(`nhwcWinogradWeights${t.m}`, (fn) => {
    const src = fn.param(0), dst = fn.param(1), M = fn.param(2), C = fn.param(3);
    const mo = fn.local('i32'), c = fn.local('i32'), from = fn.local('i32'), at = fn.local('i32'), fullCols = fn.local('i32'), stride = fn.local('i32');
    // U_ξ follows U_ξ-1 by a whole [C, M] matrix.
    const next = (store: Expr): Expr[] => [store, at.set(fn.add(at.get(), stride.get()))];
    const filter = () => from.set(fn.add(src.get(), fn.mul(fn.add(fn.mul(mo.get(), C.get()), c.get()), 36)));
    // Four output channels at a time (init runs once, in the baseline tier: resnet18's filters took
    // 84 ms one at a time): lanes are 4 filters, and inside a panel their U values are adjacent.
    const lanes = (i: number) => {
      let v = fn.vloadSplat(from.get(), 4 * i);
      for (let lane = 1; lane < 4; lane++) v = fn.vreplace(v, lane, fn.loadF32(fn.add(from.get(), fn.mul(C.get(), 36 * lane)), 4 * i));
      return v;
    };
    const inPanel = () => fn.add(fn.mul(fn.add(fn.mul(fn.divU(mo.get(), PANEL), C.get()), c.get()), PANEL), fn.and(mo.get(), PANEL - 1));
    const vector = [filter(), at.set(fn.add(dst.get(), fn.shl(inPanel(), 2))),
      ...emitFilterTransform(fn, t, 'v128', lanes, (_, u) => next(fn.vstore(at.get(), u)))];
    // The tail columns (M % PANEL, a row-major block) one filter at a time.
    const inTail = () => fn.add(fn.add(fn.mul(fullCols.get(), C.get()), fn.mul(c.get(), fn.sub(M.get(), fullCols.get()))), fn.sub(mo.get(), fullCols.get()));
    const scalar = [filter(), at.set(fn.add(dst.get(), fn.shl(inTail(), 2))),
      ...emitFilterTransform(fn, t, 'f32', (i) => fn.loadF32(from.get(), 4 * i), (_, u) => next(fn.storeF32(at.get(), u)))];
    fn.finish([
      fullCols.set(fn.and(M.get(), -PANEL)),
      stride.set(fn.shl(fn.mul(M.get(), C.get()), 2)),
      fn.for(mo, 0, fullCols.get(), 4, [fn.for(c, 0, C.get(), 1, vector)]),
      fn.for(mo, fullCols.get(), M.get(), 1, [fn.for(c, 0, C.get(), 1, scalar)]),
    ]);
  }, ['i32', 'i32', 'i32', 'i32']);
}

// The transforms run per tile through helpers shared by every Winograd conv of the module with
// the same F(m) (and, for the output, the same epilogue and tile width), sizes and strides being
// parameters: called once per tile, V8 optimizes them early in the first run, while inline in the
// node function (called once per run) they ran the whole first run in baseline code
// (docs/benchmarks.md "First run").

/**
 * input(src, dst, cEnd, pixelBytes, rowBytes, vStride): V of one tile, channel bytes [0, cEnd):
 * src is the tile's top-left pixel in the padded copy, dst its row in V_0.
 */
function inputTransform(ctx: StaticContext, t: Transforms): string {
  return ctx.helper(`nhwcWinogradInput${t.m}`, (fn) => {
    const { m, BT } = t, a = m + 2;
    const [src, dst, cEnd, pixel, row, vStride] = [0, 1, 2, 3, 4, 5].map((i) => fn.param(i)) as [Local, Local, Local, Local, Local, Local];
    const c = fn.local('i32'), rp = fn.local('i32'), st = fn.local('i32');
    const colOff = Array.from({ length: a }, () => fn.local('i32')), rowOff = Array.from({ length: a }, () => fn.local('i32'));
    const d = Array.from({ length: a }, () => fn.local('v128')), e = Array.from({ length: a * a }, () => fn.local('v128'));
    const body: Expr[] = [];
    for (let i = 0; i < a; i++) {
      body.push(rp.set(fn.add(fn.add(src.get(), c.get()), rowOff[i]!.get())));
      d.forEach((l, j) => body.push(l.set(fn.vload(j ? fn.add(rp.get(), colOff[j]!.get()) : rp.get()))));
      BT.forEach((r, j) => body.push(e[i * a + j]!.set(combine(fn, r, (k) => d[k]!.get()))));
    }
    // V_ξ follows V_ξ-1 by vStride: the a² values in ξ order.
    body.push(st.set(fn.add(dst.get(), c.get())));
    BT.forEach((r, i) => {
      for (let j = 0; j < a; j++) body.push(fn.vstore(st.get(), combine(fn, r, (k) => e[k * a + j]!.get())), st.set(fn.add(st.get(), vStride.get())));
    });
    fn.finish([
      ...colOff.map((l, j) => l.set(fn.mul(pixel.get(), j))), ...rowOff.map((l, i) => l.set(fn.mul(row.get(), i))),
      fn.for(c, 0, cEnd.get(), 16, body),
    ]);
  }, ['i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
}

/** V for the tiles of `rows` tile rows from tile row ty0 (tile index tyl·TW + tx), from the padded copy at `pad`. */
function emitInputTransform(ctx: StaticContext, p: NhwcWinogradPlan, pad: number, v: number, ty0: () => Expr, rows: number): Expr[] {
  const { fn } = ctx, { m } = p.t, n = rows * p.TW, pixel = 4 * p.C;
  const tyl = fn.local('i32'), tx = fn.local('i32');
  const helper = inputTransform(ctx, p.t);
  return [fn.for(tyl, 0, rows, 1, [fn.for(tx, 0, p.TW, 1, [fn.call(helper, [
    fn.add(fn.mul(fn.add(fn.mul(fn.add(ty0(), tyl.get()), m * p.Wp), fn.mul(tx.get(), m)), pixel), pad),
    fn.add(fn.mul(fn.add(fn.mul(tyl.get(), p.TW), tx.get()), 4 * p.Cp), v),
    fn.i(4 * p.Cp), fn.i(pixel), fn.i(pixel * p.Wp), fn.i(xiStride(n, p.Cp)),
  ])])])];
}

interface Epilogue { bias?: StaticOperand; residual?: StaticOperand; y: StaticOperand; ctx: StaticContext }

/**
 * output(src, out, ch0, ch1, mStride, pixelBytes, rowBytes, rowsLeft, [bias], [resDelta]): Aᵀ M A,
 * the epilogue and the stores of one tile whose first `cols` columns exist, channel bytes
 * [ch0, ch1) `lanes` channels at a time (4, or the last M % 4); src is the tile's row in Mbuf_0,
 * out its top-left output pixel; output rows q >= rowsLeft (past OH) are skipped.
 */
function outputTransform(ep: Epilogue, t: Transforms, cols: number, lanes: number): string {
  const act = readActivation(ep.ctx.node);
  const key = { m: t.m, cols, lanes, bias: !!ep.bias, residual: !!ep.residual, act: act ?? null };
  const params = 8 + (ep.bias ? 1 : 0) + (ep.residual ? 1 : 0);
  return ep.ctx.helper(keyedHelperName(ep.ctx.module, 'nhwcWinogradOutput', key).name, (fn) => {
    const { m, AT } = t, a = m + 2;
    const [src, out, ch0, ch1, mStride, pixel, rowBytes, rowsLeft] = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => fn.param(i)) as Local[];
    const bias = ep.bias ? fn.param(8) : undefined, resDelta = ep.residual ? fn.param(ep.bias ? 9 : 8) : undefined;
    const ch = fn.local('i32'), sp = fn.local('i32'), op = fn.local('i32');
    const xiOff = Array.from({ length: a }, () => fn.local('i32')), rowOff = Array.from({ length: a }, () => fn.local('i32'));
    const kOff = Array.from({ length: m }, () => fn.local('i32')), qOff = Array.from({ length: m }, () => fn.local('i32'));
    const col = Array.from({ length: a }, () => fn.local('v128')), s = Array.from({ length: m * a }, () => fn.local('v128'));
    const b = fn.local('v128'), r = fn.local('v128');
    const at = (base: Local, off: Local[], i: number) => (i ? fn.add(base.get(), off[i]!.get()) : base.get());
    const stmts: Expr[] = [];
    for (let j = 0; j < a; j++) {
      // M_ξ for ξ = i·a + j: i·a·mStride + j·mStride past the tile's row in Mbuf_0.
      stmts.push(sp.set(fn.add(fn.add(src.get(), ch.get()), xiOff[j]!.get())));
      col.forEach((l, i) => stmts.push(l.set(fn.vload(at(sp, rowOff, i)))));
      for (let q = 0; q < m; q++) stmts.push(s[q * a + j]!.set(combine(fn, AT[q]!, (i) => col[i]!.get())));
    }
    if (bias) stmts.push(b.set(fn.vload(fn.add(bias.get(), ch.get()))));
    const outputRow = (q: number): Expr[] => {
      const row: Expr[] = [op.set(fn.add(fn.add(out.get(), ch.get()), q ? qOff[q]!.get() : 0))];
      for (let k = 0; k < cols; k++) {
        let val = combine(fn, AT[k]!, (j) => s[q * a + j]!.get());
        if (bias) val = fn.vadd(val, b.get());
        if (resDelta) val = fn.vadd(val, fn.vload(fn.add(at(op, kOff, k), resDelta.get())));
        row.push(r.set(val));
        if (act) row.push(r.set(emitActivation(ep.ctx, fn, act, () => r.get())));
        if (lanes === 4) row.push(fn.vstore(at(op, kOff, k), r.get()));
        else for (let l = 0; l < lanes; l++) row.push(fn.vstoreLane(at(op, kOff, k), r.get(), l, 4 * l));
      }
      return row;
    };
    for (let q = 0; q < m; q++) stmts.push(q === 0 ? fn.block(outputRow(q)) : fn.if(fn.ltS(q, rowsLeft.get()), outputRow(q)));
    fn.finish([
      ...xiOff.map((l, j) => l.set(fn.mul(mStride.get(), j))), ...rowOff.map((l, i) => l.set(fn.mul(mStride.get(), i * a))),
      ...kOff.map((l, k) => l.set(fn.mul(pixel.get(), k))), ...qOff.map((l, q) => l.set(fn.mul(rowBytes.get(), q))),
      fn.for(ch, ch0.get(), ch1.get(), 16, stmts),
    ]);
  }, Array(params).fill('i32'));
}

/** Outputs of the band's tiles for image `image`: Aᵀ M A, the epilogue, the pixels that exist. */
function emitOutputTransform(fn: FnBuilder, p: NhwcWinogradPlan, mbuf: number, ty0: () => Expr, rows: number, image: Local, ep: Epilogue): Expr[] {
  const { OH, OW } = p.s, { m } = p.t, n = rows * p.TW, pixel = 4 * p.M;
  const tyl = fn.local('i32'), tx = fn.local('i32'), oy = fn.local('i32');
  const fullM = 4 * Math.floor(p.M / 4);
  // The tile (tyl, tx)'s channel groups: whole vectors, then the last M % 4 channels.
  const tile = (cols: number): Expr[] => {
    const call = (ch0: number, ch1: number, lanes: number) => fn.call(outputTransform(ep, p.t, cols, lanes), [
      fn.add(fn.mul(fn.add(fn.mul(tyl.get(), p.TW), tx.get()), 4 * p.Mp), mbuf),
      fn.add(fn.mul(fn.add(fn.mul(fn.add(fn.mul(image.get(), OH), oy.get()), OW), fn.mul(tx.get(), m)), pixel), ep.y.addr),
      fn.i(ch0), fn.i(ch1), fn.i(xiStride(n, p.Mp)), fn.i(pixel), fn.i(pixel * OW), fn.sub(OH, oy.get()),
      ...(ep.bias ? [fn.i(ep.bias.addr)] : []), ...(ep.residual ? [fn.i(ep.residual.addr - ep.y.addr)] : []),
    ]);
    return [...(fullM > 0 ? [call(0, 4 * fullM, 4)] : []), ...(fullM < p.M ? [call(4 * fullM, 4 * fullM + 16, p.M - fullM)] : [])];
  };
  // Tiles whose m output columns all exist; a last tile at the right edge stores fewer.
  const fullTiles = Math.floor(OW / m);
  const perRow: Expr[] = [oy.set(fn.mul(fn.add(ty0(), tyl.get()), m))];
  if (fullTiles > 0) perRow.push(fn.for(tx, 0, fullTiles, 1, tile(m)));
  if (fullTiles < p.TW) perRow.push(tx.set(fn.i(fullTiles)), fn.block(tile(OW - m * fullTiles)));
  return [fn.for(tyl, 0, rows, 1, perRow)];
}

/** The whole conv: per image, the padded copy, then bands of tile rows (transforms around a² GEMMs). */
export function lowerNhwcWinograd(ctx: StaticContext, p: NhwcWinogradPlan, x: StaticOperand, w: StaticOperand, bias: StaticOperand | undefined, residual: StaticOperand | undefined, y: StaticOperand): Expr[] {
  const { fn } = ctx;
  const { s, C, M } = p, N = x.dims[0]!, a2 = (p.t.m + 2) ** 2;
  if (ctx.derived === undefined || ctx.derived < 0 || !ctx.atLoad) throw new Error('the NHWC Winograd path needs a derived region (derivedBytes) and load-time code');
  const u = ctx.derived, filters = w.addr, transform = weightTransform(ctx, p.t);
  ctx.atLoad((init) => [init.call(transform, [init.i(filters), init.i(u), init.i(M), init.i(C)])]);
  const pad = ctx.scratch, v = pad + p.padBytes, mbuf = v + p.vBytes, aPack = mbuf + p.mBytes;
  const image = fn.local('i32'), iy = fn.local('i32'), xi = fn.local('i32'), ty0 = fn.local('i32');
  const ep: Epilogue = { bias, residual, y, ctx };
  const uBytes = 4 * C * M, rest = M % PANEL;

  const band = (rows: number, at: () => Expr): Expr[] => {
    const n = rows * p.TW;
    const spec: GemmSpec = {
      M: n, N: M, K: C,
      a: () => fn.add(fn.mul(xi.get(), xiStride(n, p.Cp)), v), aRowStride: p.Cp, aKStride: 1,
      b: () => fn.add(fn.mul(xi.get(), uBytes), u), bKStride: PANEL, bPanelStride: C * PANEL,
      ...(rest ? { bTail: { b: () => fn.add(fn.mul(xi.get(), uBytes), u + 4 * packedTailOffset(C, M)), kStride: rest } } : {}),
      c: () => fn.add(fn.mul(xi.get(), xiStride(n, p.Mp)), mbuf), cRowStride: p.Mp,
      ...(p.aPack && n >= 4 ? { aPack } : {}),
    };
    return [
      ...emitInputTransform(ctx, p, pad, v, at, rows),
      fn.for(xi, 0, a2, 1, emitBlockedGemm(fn, spec, p.blocking)),
      ...emitOutputTransform(fn, p, mbuf, at, rows, image, ep),
    ];
  };
  const full = Math.floor(p.TH / p.rows) * p.rows;
  const perImage: Expr[] = [
    fn.for(iy, 0, s.H, 1, [fn.copy(
      fn.add(fn.mul(fn.add(iy.get(), s.pt), 4 * p.Wp * C), pad + 4 * s.pl * C),
      fn.add(fn.mul(fn.add(fn.mul(image.get(), s.H), iy.get()), 4 * s.W * C), x.addr),
      4 * s.W * C,
    )]),
    fn.for(ty0, 0, full, p.rows, band(p.rows, () => ty0.get())),
  ];
  if (full < p.TH) perImage.push(...band(p.TH - full, () => fn.i(full)));
  // The border of the padded copy stays zero: each image overwrites only the interior.
  return [fn.fill(pad, 0, p.padBytes), fn.for(image, 0, N, 1, perImage)];
}
