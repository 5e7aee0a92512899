// Winograd F(m x m, 3x3), m = 2 or 4, for 3x3, stride-1, undilated, ungrouped float32 convs with
// constant weights. Each m x m block of outputs (a tile) is computed from an a x a input tile
// (a = m + 2) with a² multiplies per (input, output) channel pair instead of 9m², by transforming
// both sides into a domain where the convolution is an elementwise product:
//   Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A.
// Summed over input channels, the a² elementwise products become a² independent GEMMs
//   M_ξ[M, tiles] = U_ξ[M, C] × V_ξ[C, tiles],   ξ = one of the a² positions of the domain,
// which run on the shared register-blocked GEMM. So per band of tile rows:
//   1. input transform: 4 tiles of a row at a time (one f32x4 per tile position), from a zero-
//      padded copy of the image, into V[a²][C][tiles] (scratch);
//   2. the a² GEMMs into Mbuf[a²][M][tiles] (scratch);
//   3. output transform of 4 tiles at a time, bias, fused residual and activation, then the m x m
//      outputs transposed back into rows (partial tiles at the edges store only valid pixels).
// Tile rows are padded to a multiple of 4 tiles (TWp): the extra tiles read zeros and are dropped.
// The weights U = G g Gᵀ (a² matrices [M, C], a²/9 times the filters: 4x for F(4x4)) are computed
// once at load time by the module's init() into a derived region of memory, so the weights file
// keeps the original 3x3 filters.
import { readActivation } from '@onnx2wasm/ir';
import { StaticContext, StaticOperand } from '../../lowering.js';
import { Expr, FnBuilder, Local } from '../../wasm-builder.js';
import { emitActivation } from '../emit/activation.js';
import { DEFAULT_BLOCKING, emitBlockedGemm } from '../emit/gemm-blocked.js';
import { PlaneShape, emitCopyIntoPadded } from '../emit/window-core.js';

/** The transform matrices of F(m x m, 3x3) (Lavin & Gray), interpolation points 0, ±1 (, ±2) and ∞. */
export interface Transforms { m: 2 | 4; BT: number[][]; G: number[][]; AT: number[][] }

const F2: Transforms = {
  m: 2,
  BT: [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]],
  G: [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]],
  AT: [[1, 1, 1, 0], [0, 1, -1, -1]],
};

const F4: Transforms = {
  m: 4,
  BT: [[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0], [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]],
  G: [[1 / 4, 0, 0], [-1 / 6, -1 / 6, -1 / 6], [-1 / 6, 1 / 6, -1 / 6], [1 / 24, 1 / 12, 1 / 6], [1 / 24, -1 / 12, 1 / 6], [0, 0, 1]],
  AT: [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]],
};

/**
 * When the Winograd path replaces im2col + GEMM, chosen by timing both on ResNet, SqueezeNet and
 * VGG-like layers (docs/benchmarks.md): below 8 channels the transforms cost what the products
 * save, and small planes lose when the partial tiles and the rounding of tile rows to whole
 * vectors leave too few multiplies saved (`maxMultiplies`: Winograd's a² per tile over the direct
 * 9 per pixel). F(4x4) is taken when it does at most `f4Multiplies` of F(2x2)'s multiplies: its
 * transforms cost more per product saved. Mutable so that tests can force either path.
 */
export const winogradLimits = { minC: 8, minM: 8, maxMultiplies: 0.75, f4Multiplies: 0.8 };

/**
 * Floats of one GEMM's B panel (a depth chunk of V for one band) that should stay in L1: the GEMM
 * re-reads the whole panel for every block of 4 output channels. Bigger bands would reuse each
 * streamed U element more, smaller ones keep B in L1; measured on ResNet and SqueezeNet layers.
 */
const B_PANEL_FLOATS = 4096;

/**
 * Bytes from one of the a² matrices of V or Mbuf ([rows, n]) to the next. The transforms touch all
 * of them at once; the extra cache line keeps power-of-two sizes from mapping them to one cache set.
 */
export function xiStride(rows: number, n: number): number {
  return 4 * rows * n + 64;
}

export interface WinogradPlan {
  t: Transforms;
  shape: PlaneShape;
  C: number; M: number;
  /** Tile rows and tiles per row (padded to whole vectors of 4 tiles). */
  TH: number; TW: number; TWp: number;
  /** Tile rows per band. */
  rows: number;
  padBytes: number; vBytes: number; mBytes: number;
}

function tiling(s: PlaneShape, m: number) {
  const TH = Math.ceil(s.OH / m), TW = Math.ceil(s.OW / m), TWp = 4 * Math.ceil(TW / 4);
  return { TH, TW, TWp, multiplies: ((m + 2) ** 2 * TH * TWp) / (9 * s.OH * s.OW) };
}

/** The Winograd plan for a 2-D conv, or undefined when it does not apply or would not win. */
/**
 * The Winograd plan of a conv, or undefined when it does not take Winograd. `force` skips the cost
 * limit (not the geometry): a threaded build's parts of a Winograd conv stay Winograd even where
 * their few rows alone would not pay, so they need no weights the whole conv does not (thread-split.ts).
 */
export function winogradPlanOf(s: PlaneShape, C: number, M: number, group: number, constantWeights: boolean, force = false): WinogradPlan | undefined {
  if (s.kh !== 3 || s.kw !== 3 || s.sh !== 1 || s.sw !== 1 || s.dh !== 1 || s.dw !== 1 || group !== 1 || !constantWeights) return undefined;
  const two = tiling(s, 2), four = tiling(s, 4);
  const useF4 = four.multiplies <= winogradLimits.f4Multiplies * two.multiplies;
  const t = useF4 ? F4 : F2, { TH, TW, TWp, multiplies } = useF4 ? four : two;
  if (!force && (C < winogradLimits.minC || M < winogradLimits.minM || multiplies > winogradLimits.maxMultiplies)) return undefined;
  const rows = Math.max(1, Math.min(TH, Math.floor(B_PANEL_FLOATS / (Math.min(C, DEFAULT_BLOCKING.kc) * TWp))));
  const Hp = t.m * TH + 2, Wp = t.m * TWp + 2, a2 = (t.m + 2) ** 2;
  // 16 bytes of slack: the last vector of 4 tiles reads 2 floats past its padded row.
  const padBytes = 16 * Math.ceil((C * Hp * Wp) / 4) + 16;
  return {
    t, shape: { ...s, Hp, Wp }, C, M, TH, TW, TWp, rows, padBytes,
    vBytes: a2 * xiStride(C, rows * TWp), mBytes: a2 * xiStride(M, rows * TWp),
  };
}

export function winogradScratchBytes(p: WinogradPlan): number {
  return p.padBytes + p.vBytes + p.mBytes;
}

/** Bytes of the transformed filters U (a² matrices [M, C]), computed at load time. */
export function winogradDerivedBytes(p: WinogradPlan): number {
  return 4 * (p.t.m + 2) ** 2 * p.M * p.C;
}

/** Σ_k coef[k] · x_k in f32, skipping zero coefficients (a plain add for 1). */
function linear(fn: FnBuilder, coefs: number[], x: (k: number) => Expr): Expr {
  let sum: Expr | undefined;
  coefs.forEach((c, k) => {
    if (c === 0) return;
    const term = c === 1 ? x(k) : fn.fmul(fn.f32(c), x(k));
    sum = sum ? fn.fadd(sum, term) : term;
  });
  return sum ?? fn.f32(0);
}

/**
 * A shared function (src, dst, count) that writes U[ξ][k] = (G g_k Gᵀ)[ξ] for `count` 3x3 filters
 * g_k at src (k = m·C + c) into dst, ξ-major: run once at load time, so the module ships the 9
 * weights of a filter instead of its a² transformed ones.
 */
function weightTransform(ctx: StaticContext, t: Transforms): string {
  return ctx.helper(`winogradWeights${t.m}`, (fn) => {
    const src = fn.param(0), dst = fn.param(1), count = fn.param(2), k = fn.local('i32');
    const body = emitFilterTransform(fn, t, 'f32', (i) => fn.loadF32(fn.add(src.get(), fn.mul(k.get(), 36)), 4 * i), (xi, u) => {
      const at = fn.add(dst.get(), fn.shl(fn.add(fn.mul(count.get(), xi), k.get()), 2));
      return [fn.storeF32(at, u)];
    });
    fn.finish([fn.for(k, 0, count.get(), 1, body)]);
  }, ['i32', 'i32', 'i32']);
}

/**
 * U = G g Gᵀ of one 3x3 filter g (or, as 'v128', of four filters lane by lane): tg = G g (a x 3)
 * into locals, then `store(ξ, U_ξ)` for ξ = 0 .. a² - 1 in order. `load(i)` reads tap i of g.
 */
export function emitFilterTransform(fn: FnBuilder, t: Transforms, type: 'f32' | 'v128', load: (i: number) => Expr, store: (xi: number, u: Expr) => Expr[]): Expr[] {
  const a = t.m + 2;
  const lin = (row: number[], x: (k: number) => Expr) => (type === 'f32' ? linear(fn, row, x) : combine(fn, row, x));
  const g = Array.from({ length: 9 }, () => fn.local(type));
  const tg = Array.from({ length: a * 3 }, () => fn.local(type));
  const out: Expr[] = g.map((l, i) => l.set(load(i)));
  for (let i = 0; i < a; i++) for (let j = 0; j < 3; j++) out.push(tg[i * 3 + j]!.set(lin(t.G[i]!, (r) => g[r * 3 + j]!.get())));
  for (let i = 0; i < a; i++) for (let j = 0; j < a; j++) out.push(...store(i * a + j, lin(t.G[j]!, (r) => tg[i * 3 + r]!.get())));
  return out;
}

/** Σ_k row[k] · x_k over the nonzero coefficients: ±1 as adds/subtracts, others as multiplies. */
export function combine(fn: FnBuilder, row: number[], x: (k: number) => Expr): Expr {
  const terms = row.map((c, k) => ({ c, k })).filter((e) => e.c !== 0).sort((p, q) => Math.sign(q.c) - Math.sign(p.c));
  const scaled = (c: number, k: number) => (Math.abs(c) === 1 ? x(k) : fn.vmul(x(k), fn.vconst(Math.abs(c))));
  let acc = terms[0]!.c > 0 ? scaled(terms[0]!.c, terms[0]!.k) : fn.vmul(x(terms[0]!.k), fn.vconst(terms[0]!.c));
  for (const { c, k } of terms.slice(1)) acc = c > 0 ? fn.vadd(acc, scaled(c, k)) : fn.vsub(acc, scaled(c, k));
  return acc;
}

/** Transposes four f32x4 (row r lane k → row k lane r) into `out`. */
function transpose4(fn: FnBuilder, v: (k: number) => Expr, tmp: Local[], out: Local[]): Expr[] {
  return [
    tmp[0]!.set(fn.vshuffle(v(0), v(1), [0, 4, 1, 5])), tmp[1]!.set(fn.vshuffle(v(0), v(1), [2, 6, 3, 7])),
    tmp[2]!.set(fn.vshuffle(v(2), v(3), [0, 4, 1, 5])), tmp[3]!.set(fn.vshuffle(v(2), v(3), [2, 6, 3, 7])),
    out[0]!.set(fn.vshuffle(tmp[0]!.get(), tmp[2]!.get(), [0, 1, 4, 5])), out[1]!.set(fn.vshuffle(tmp[0]!.get(), tmp[2]!.get(), [2, 3, 6, 7])),
    out[2]!.set(fn.vshuffle(tmp[1]!.get(), tmp[3]!.get(), [0, 1, 4, 5])), out[3]!.set(fn.vshuffle(tmp[1]!.get(), tmp[3]!.get(), [2, 3, 6, 7])),
  ];
}

/**
 * Statements transforming the tiles of `rows` tile rows from tile row `ty0` into V (tile index
 * tyl * TWp + tx, row stride `n` tiles), reading padded planes at `pad`.
 */
function emitInputTransform(fn: FnBuilder, p: WinogradPlan, pad: number, v: number, ty0: () => Expr, rows: number): Expr[] {
  const { Wp, Hp } = p.shape, { m, BT } = p.t, a = m + 2, n = rows * p.TWp;
  const c = fn.local('i32'), tyl = fn.local('i32'), tx = fn.local('i32'), src = fn.local('i32'), dst = fn.local('i32');
  const vecs = (k: number) => Array.from({ length: k }, () => fn.local('v128'));
  const loads = vecs(m + 1), tmp = vecs(4), d = vecs(a), e = vecs(a * a);
  const body: Expr[] = [
    src.set(fn.add(fn.add(fn.mul(c.get(), 4 * Hp * Wp), fn.mul(fn.add(ty0(), tyl.get()), 4 * m * Wp)), fn.add(fn.mul(tx.get(), 4 * m), pad))),
    dst.set(fn.add(fn.mul(c.get(), 4 * n), fn.shl(fn.add(fn.mul(tyl.get(), p.TWp), tx.get()), 2))),
  ];
  for (let i = 0; i < a; i++) {
    // Floats from m*tx of input row i: tile k's column j is float m*k + j.
    loads.forEach((l, q) => body.push(l.set(fn.vload(src.get(), 4 * (i * Wp + 4 * q)))));
    if (m === 2) {
      body.push(d[0]!.set(fn.vshuffle(loads[0]!.get(), loads[1]!.get(), [0, 2, 4, 6])));
      body.push(d[1]!.set(fn.vshuffle(loads[0]!.get(), loads[1]!.get(), [1, 3, 5, 7])));
    } else {
      body.push(...transpose4(fn, (k) => loads[k]!.get(), tmp, d));
    }
    // The last two columns: the first two moved down a lane, with the next float of the last load.
    body.push(d[m]!.set(fn.vshuffle(d[0]!.get(), loads[m]!.get(), [1, 2, 3, 4])));
    body.push(d[m + 1]!.set(fn.vshuffle(d[1]!.get(), loads[m]!.get(), [1, 2, 3, 5])));
    BT.forEach((row, j) => body.push(e[i * a + j]!.set(combine(fn, row, (k) => d[k]!.get()))));
  }
  for (let j = 0; j < a; j++) {
    BT.forEach((row, i) => body.push(fn.vstore(dst.get(), combine(fn, row, (k) => e[k * a + j]!.get()), v + (i * a + j) * xiStride(p.C, n))));
  }
  return [fn.for(c, 0, p.C, 1, [fn.for(tyl, 0, rows, 1, [fn.for(tx, 0, p.TWp, 4, body)])])];
}

interface Epilogue { bias?: StaticOperand; residual?: StaticOperand; y: StaticOperand; ctx: StaticContext }

/**
 * Statements turning Mbuf (row stride `n` tiles) into outputs of tile rows ty0.. for image `image`:
 * Y = Aᵀ M A, then the epilogue, then the m x m outputs of 4 tiles transposed into pixel rows.
 */
function emitOutputTransform(fn: FnBuilder, p: WinogradPlan, mbuf: number, ty0: () => Expr, rows: number, image: Local, ep: Epilogue): Expr[] {
  const { OH, OW } = p.shape, { m, AT } = p.t, a = m + 2, n = rows * p.TWp;
  const ch = fn.local('i32'), tyl = fn.local('i32'), tx = fn.local('i32'), src = fn.local('i32'), out = fn.local('i32'), oy = fn.local('i32');
  const vecs = (k: number) => Array.from({ length: k }, () => fn.local('v128'));
  const col = vecs(a), s = vecs(m * a), y = vecs(m), tmp = vecs(4), px = vecs(4), r = fn.local('v128');
  const act = readActivation(ep.ctx.node);
  const at = (xi: number) => fn.vload(src.get(), mbuf + xi * xiStride(p.M, n));

  // One group of 4 tiles at column tile tx: `cols` valid output columns (4m unless at the right edge).
  const group = (cols: number): Expr[] => {
    const stmts: Expr[] = [src.set(fn.add(fn.mul(ch.get(), 4 * n), fn.shl(fn.add(fn.mul(tyl.get(), p.TWp), tx.get()), 2)))];
    // Aᵀ down the columns: s[q][j] = Σ_i AT[q][i] M[i][j], each column loaded once.
    for (let j = 0; j < a; j++) {
      col.forEach((l, i) => stmts.push(l.set(at(i * a + j))));
      for (let q = 0; q < m; q++) stmts.push(s[q * a + j]!.set(combine(fn, AT[q]!, (i) => col[i]!.get())));
    }
    stmts.push(out.set(fn.add(fn.mul(fn.add(fn.mul(image.get(), p.M), ch.get()), 4 * OH * OW), fn.shl(fn.add(fn.mul(oy.get(), OW), fn.mul(tx.get(), m)), 2))));
    const outputRow = (q: number): Expr[] => {
      const row: Expr[] = [];
      AT.forEach((coefs, k) => row.push(y[k]!.set(combine(fn, coefs, (j) => s[q * a + j]!.get()))));
      // y[k] holds column k of 4 tiles; pixel order is tile by tile.
      if (m === 2) {
        row.push(px[0]!.set(fn.vshuffle(y[0]!.get(), y[1]!.get(), [0, 4, 1, 5])), px[1]!.set(fn.vshuffle(y[0]!.get(), y[1]!.get(), [2, 6, 3, 7])));
      } else {
        row.push(...transpose4(fn, (k) => y[k]!.get(), tmp, px));
      }
      for (let h = 0; h < m; h++) {
        const lanes = Math.min(4, cols - 4 * h);
        if (lanes <= 0) continue;
        const off = 4 * (q * OW + 4 * h);
        let val = px[h]!.get();
        if (ep.bias) val = fn.vadd(val, fn.vloadSplat(fn.shl(ch.get(), 2), ep.bias.addr));
        if (ep.residual) val = fn.vadd(val, fn.vload(out.get(), ep.residual.addr + off));
        row.push(r.set(val));
        if (act) row.push(r.set(emitActivation(ep.ctx, fn, act, () => r.get())));
        if (lanes === 4) row.push(fn.vstore(out.get(), r.get(), ep.y.addr + off));
        else for (let l = 0; l < lanes; l++) row.push(fn.vstoreLane(out.get(), r.get(), l, ep.y.addr + off + 4 * l));
      }
      return row;
    };
    // Rows of the last tile row past OH are skipped at run time.
    for (let q = 0; q < m; q++) stmts.push(OH % m === 0 || q < OH % m ? fn.block(outputRow(q)) : fn.if(fn.ltS(fn.add(oy.get(), q), OH), outputRow(q)));
    return stmts;
  };

  // Groups whose 4m output columns all exist; a last group at the right edge stores fewer.
  const fullGroups = 4 * Math.floor(OW / (4 * m));
  const perRow: Expr[] = [oy.set(fn.mul(fn.add(ty0(), tyl.get()), m)), fn.for(tx, 0, fullGroups, 4, group(4 * m))];
  if (fullGroups < p.TWp) perRow.push(tx.set(fn.i(fullGroups)), fn.block(group(OW - m * fullGroups)));
  return [fn.for(ch, 0, p.M, 1, [fn.for(tyl, 0, rows, 1, perRow)])];
}

/** The whole conv: per image, the padded copy, then bands of tile rows (transforms around a² GEMMs). */
export function lowerWinogradConv(ctx: StaticContext, p: WinogradPlan, x: StaticOperand, w: StaticOperand, bias: StaticOperand | undefined, residual: StaticOperand | undefined, y: StaticOperand): Expr[] {
  const { fn } = ctx;
  const s = p.shape, N = x.dims[0]!, a2 = (p.t.m + 2) ** 2;
  if (ctx.derived === undefined || ctx.derived < 0 || !ctx.atLoad) throw new Error('the Winograd path needs a derived region (derivedBytes) and load-time code');
  const u = ctx.derived, filters = w.addr, transform = weightTransform(ctx, p.t);
  ctx.atLoad((init) => [init.call(transform, [init.i(filters), init.i(u), init.i(p.M * p.C)])]);
  const pad = ctx.scratch, v = pad + p.padBytes, mbuf = v + p.vBytes;
  const image = fn.local('i32'), c = fn.local('i32'), xi = fn.local('i32'), ty0 = fn.local('i32');
  const ep: Epilogue = { bias, residual, y, ctx };

  const band = (rows: number, at: () => Expr): Expr[] => {
    const n = rows * p.TWp;
    return [
      ...emitInputTransform(fn, p, pad, v, at, rows),
      fn.for(xi, 0, a2, 1, emitBlockedGemm(fn, {
        M: p.M, N: n, K: p.C,
        a: () => fn.add(fn.mul(xi.get(), 4 * p.M * p.C), u), aRowStride: p.C, aKStride: 1,
        b: () => fn.add(fn.mul(xi.get(), xiStride(p.C, n)), v), bKStride: n,
        c: () => fn.add(fn.mul(xi.get(), xiStride(p.M, n)), mbuf), cRowStride: n,
      })),
      ...emitOutputTransform(fn, p, mbuf, at, rows, image, ep),
    ];
  };
  const full = Math.floor(p.TH / p.rows) * p.rows;
  const perImage: Expr[] = [
    fn.for(c, 0, p.C, 1, emitCopyIntoPadded(fn, s,
      () => fn.add(fn.mul(fn.add(fn.mul(image.get(), p.C), c.get()), 4 * s.H * s.W), x.addr),
      () => fn.add(fn.mul(c.get(), 4 * s.Hp * s.Wp), pad))),
    fn.for(ty0, 0, full, p.rows, band(p.rows, () => ty0.get())),
  ];
  if (full < p.TH) perImage.push(...band(p.TH - full, () => fn.i(full)));
  // The border of the padded planes stays zero: each image overwrites only the interior.
  return [fn.fill(pad, 0, p.padBytes), fn.for(image, 0, N, 1, perImage)];
}
