// Winograd F(2x2, 3x3) for 3x3, stride-1, undilated, ungrouped float32 convs with constant weights.
// Each 2x2 block of outputs (a tile) is computed from a 4x4 input tile with 16 multiplies per
// (input, output) channel pair instead of 36, by transforming both sides into a domain where the
// convolution is an elementwise product:  Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A.
// Summed over input channels, the 16 elementwise products become 16 independent GEMMs
//   M_ξ[M, tiles] = U_ξ[M, C] × V_ξ[C, tiles],   ξ = one of the 16 positions of the 4x4 domain,
// which run on the shared register-blocked GEMM. So per band of tile rows:
//   1. input transform: 4 tiles of a row at a time (one f32x4 per tile position), from a zero-
//      padded copy of the image, into V[16][C][tiles] (scratch);
//   2. the 16 GEMMs into Mbuf[16][M][tiles] (scratch);
//   3. output transform of 4 tiles at a time, bias, fused residual and activation, then the 2x2
//      outputs interleaved back into rows (partial tiles at odd OH/OW store only valid pixels).
// Tile rows are padded to a multiple of 4 tiles (TWp): the extra tiles read zeros and are dropped.
// The weights U = G g Gᵀ are transformed at compile time into 16 matrices [M, C].
import { Tensor, makeTensor, readActivation } from '@onnx2wasm/ir';
import { LowerContext, Operand } from '../lowering.js';
import { Expr, FnBuilder, Local } from '../wasm-builder.js';
import { emitActivation } from './activation.js';
import { DEFAULT_BLOCKING, emitBlockedGemm } from './gemm-blocked.js';
import { PlaneShape, emitCopyIntoPadded } from './window-core.js';

/**
 * When the Winograd path replaces im2col + GEMM, chosen by timing both on ResNet, SqueezeNet and
 * VGG-like layers (docs/benchmarks.md): below 8 channels the transforms cost what the products
 * save, and small planes lose when the partial tiles and the rounding of tile rows to whole
 * vectors leave too few multiplies saved (`maxMultiplies`: Winograd's 16 per tile over the direct
 * 9 per pixel). Mutable so that tests can send tiny shapes down this path.
 */
export const winogradLimits = { minC: 8, minM: 8, maxMultiplies: 0.75 };

/**
 * Floats of one GEMM's B panel (a depth chunk of V for one band) that should stay in L1: the GEMM
 * re-reads the whole panel for every block of 4 output channels. Bigger bands would reuse each
 * streamed U element more, smaller ones keep B in L1; measured on ResNet and SqueezeNet layers.
 */
const B_PANEL_FLOATS = 4096;

/**
 * Bytes from one of the 16 matrices of V or Mbuf ([rows, n]) to the next. The transforms touch all
 * 16 at once; the extra cache line keeps power-of-two sizes from mapping them to one cache set.
 */
function xiStride(rows: number, n: number): number {
  return 4 * rows * n + 64;
}

export interface WinogradPlan {
  shape: PlaneShape;
  C: number; M: number;
  /** Tile rows and tiles per row (padded to whole vectors of 4 tiles). */
  TH: number; TW: number; TWp: number;
  /** Tile rows per band. */
  rows: number;
  padBytes: number; vBytes: number; mBytes: number;
}

/** The Winograd plan for a 2-D conv, or undefined when it does not apply or would not win. */
export function winogradPlanOf(s: PlaneShape, C: number, M: number, group: number, constantWeights: boolean): WinogradPlan | undefined {
  if (s.kh !== 3 || s.kw !== 3 || s.sh !== 1 || s.sw !== 1 || s.dh !== 1 || s.dw !== 1 || group !== 1 || !constantWeights) return undefined;
  const TH = Math.ceil(s.OH / 2), TW = Math.ceil(s.OW / 2), TWp = 4 * Math.ceil(TW / 4);
  const multiplies = (16 * TH * TWp) / (9 * s.OH * s.OW);
  if (C < winogradLimits.minC || M < winogradLimits.minM || multiplies > winogradLimits.maxMultiplies) return undefined;
  const rows = Math.max(1, Math.min(TH, Math.floor(B_PANEL_FLOATS / (Math.min(C, DEFAULT_BLOCKING.kc) * TWp))));
  const Hp = 2 * TH + 2, Wp = 2 * TWp + 2;
  // 16 bytes of slack: the last vector of 4 tiles reads 2 floats past its padded row.
  const padBytes = 16 * Math.ceil((C * Hp * Wp) / 4) + 16;
  return {
    shape: { ...s, Hp, Wp }, C, M, TH, TW, TWp, rows, padBytes,
    vBytes: 16 * xiStride(C, rows * TWp), mBytes: 16 * xiStride(M, rows * TWp),
  };
}

export function winogradScratchBytes(p: WinogradPlan): number {
  return p.padBytes + p.vBytes + p.mBytes;
}

/** U[ξ][m][c] = (G g Gᵀ)[ξ] for the 3x3 filter g = w[m, c], G = [[1,0,0],[½,½,½],[½,-½,½],[0,0,1]]. */
function transformWeights(w: Tensor, M: number, C: number): Tensor {
  const G = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]];
  const src = w.data as Float32Array;
  const out = new Float32Array(16 * M * C);
  const t = new Float64Array(12);
  for (let m = 0; m < M; m++) {
    for (let c = 0; c < C; c++) {
      const g = src.subarray((m * C + c) * 9, (m * C + c) * 9 + 9);
      // t = G g (4x3), then U = t Gᵀ (4x4).
      for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) t[i * 3 + j] = G[i]![0]! * g[j]! + G[i]![1]! * g[3 + j]! + G[i]![2]! * g[6 + j]!;
      for (let i = 0; i < 4; i++) {
        for (let j = 0; j < 4; j++) {
          const u = t[i * 3]! * G[j]![0]! + t[i * 3 + 1]! * G[j]![1]! + t[i * 3 + 2]! * G[j]![2]!;
          out[((i * 4 + j) * M + m) * C + c] = u;
        }
      }
    }
  }
  return makeTensor('float32', [16, M, C], out);
}

/** (a0 - a2, a1 + a2, a2 - a1, a1 - a3): one 1-D Bᵀ transform of four vectors. */
function inputTransform1d(fn: FnBuilder, a: Local[]): Expr[] {
  const g = (k: number) => a[k]!.get();
  return [fn.vsub(g(0), g(2)), fn.vadd(g(1), g(2)), fn.vsub(g(2), g(1)), fn.vsub(g(1), g(3))];
}

/**
 * Statements transforming the tiles of `rows` tile rows from tile row `ty0` into V (tile index
 * tyl * TWp + tx, row stride `n` tiles), reading padded planes at `pad`.
 */
function emitInputTransform(fn: FnBuilder, p: WinogradPlan, pad: number, v: number, ty0: () => Expr, rows: number): Expr[] {
  const { Wp, Hp } = p.shape, n = rows * p.TWp;
  const c = fn.local('i32'), tyl = fn.local('i32'), tx = fn.local('i32'), src = fn.local('i32'), dst = fn.local('i32');
  const loads = [fn.local('v128'), fn.local('v128'), fn.local('v128')];
  const d = Array.from({ length: 4 }, () => fn.local('v128'));
  const e = Array.from({ length: 16 }, () => fn.local('v128'));
  const body: Expr[] = [
    src.set(fn.add(fn.add(fn.mul(c.get(), 4 * Hp * Wp), fn.mul(fn.add(ty0(), tyl.get()), 8 * Wp)), fn.add(fn.shl(tx.get(), 3), pad))),
    dst.set(fn.add(fn.mul(c.get(), 4 * n), fn.shl(fn.add(fn.mul(tyl.get(), p.TWp), tx.get()), 2))),
  ];
  for (let i = 0; i < 4; i++) {
    // Floats 0..9 of the row from 2*tx: tile k's column j is float 2k + j.
    loads.forEach((l, q) => body.push(l.set(fn.vload(src.get(), 4 * (i * Wp + 4 * q)))));
    body.push(d[0]!.set(fn.vshuffle(loads[0]!.get(), loads[1]!.get(), [0, 2, 4, 6])));
    body.push(d[1]!.set(fn.vshuffle(loads[0]!.get(), loads[1]!.get(), [1, 3, 5, 7])));
    body.push(d[2]!.set(fn.vshuffle(d[0]!.get(), loads[2]!.get(), [1, 2, 3, 4])));
    body.push(d[3]!.set(fn.vshuffle(d[1]!.get(), loads[2]!.get(), [1, 2, 3, 5])));
    inputTransform1d(fn, d).forEach((x, j) => body.push(e[i * 4 + j]!.set(x)));
  }
  for (let j = 0; j < 4; j++) {
    const column = [0, 1, 2, 3].map((i) => e[i * 4 + j]!);
    inputTransform1d(fn, column).forEach((x, i) => body.push(fn.vstore(dst.get(), x, v + (i * 4 + j) * xiStride(p.C, n))));
  }
  return [fn.for(c, 0, p.C, 1, [fn.for(tyl, 0, rows, 1, [fn.for(tx, 0, p.TWp, 4, body)])])];
}

interface Epilogue { bias?: Operand; residual?: Operand; y: Operand; ctx: LowerContext }

/**
 * Statements turning Mbuf (row stride `n` tiles) into outputs of tile rows ty0.. for image `image`:
 * Y = Aᵀ m A with Aᵀ = [[1,1,1,0],[0,1,-1,-1]], then the epilogue, then interleaved 2x2 stores.
 */
function emitOutputTransform(fn: FnBuilder, p: WinogradPlan, mbuf: number, ty0: () => Expr, rows: number, image: Local, ep: Epilogue): Expr[] {
  const { OH, OW } = p.shape, n = rows * p.TWp;
  const m = fn.local('i32'), tyl = fn.local('i32'), tx = fn.local('i32'), src = fn.local('i32'), out = fn.local('i32'), oy = fn.local('i32');
  const s = Array.from({ length: 4 }, () => fn.local('v128')), dd = Array.from({ length: 4 }, () => fn.local('v128'));
  const y = [fn.local('v128'), fn.local('v128')], r = fn.local('v128');
  const act = readActivation(ep.ctx.node);
  const at = (xi: number) => fn.vload(src.get(), mbuf + xi * xiStride(p.M, n));

  // One group of 4 tiles at column tile tx: `cols` valid output columns (8 unless at the right edge).
  const group = (cols: number): Expr[] => {
    const stmts: Expr[] = [src.set(fn.add(fn.mul(m.get(), 4 * n), fn.shl(fn.add(fn.mul(tyl.get(), p.TWp), tx.get()), 2)))];
    // Rows of Aᵀ applied down the 4x4 columns: s_j = m0j + m1j + m2j, d_j = m1j - m2j - m3j.
    for (let j = 0; j < 4; j++) {
      stmts.push(s[j]!.set(fn.vadd(fn.vadd(at(j), at(4 + j)), at(8 + j))));
      stmts.push(dd[j]!.set(fn.vsub(fn.vsub(at(4 + j), at(8 + j)), at(12 + j))));
    }
    stmts.push(out.set(fn.add(fn.mul(fn.add(fn.mul(image.get(), p.M), m.get()), 4 * OH * OW), fn.shl(fn.add(fn.mul(oy.get(), OW), fn.shl(tx.get(), 1)), 2))));
    const outputRow = (v: Local[], dy: number): Expr[] => {
      const row: Expr[] = [
        y[0]!.set(fn.vadd(fn.vadd(v[0]!.get(), v[1]!.get()), v[2]!.get())),
        y[1]!.set(fn.vsub(fn.vsub(v[1]!.get(), v[2]!.get()), v[3]!.get())),
      ];
      const pair = [fn.vshuffle(y[0]!.get(), y[1]!.get(), [0, 4, 1, 5]), fn.vshuffle(y[0]!.get(), y[1]!.get(), [2, 6, 3, 7])];
      for (let h = 0; h < 2; h++) {
        const lanes = Math.min(4, cols - 4 * h);
        if (lanes <= 0) continue;
        const off = 4 * (dy * OW + 4 * h);
        let val = pair[h]!;
        if (ep.bias) val = fn.vadd(val, fn.vloadSplat(fn.shl(m.get(), 2), ep.bias.addr));
        if (ep.residual) val = fn.vadd(val, fn.vload(out.get(), ep.residual.addr + off));
        row.push(r.set(val));
        if (act) row.push(r.set(emitActivation(ep.ctx, fn, act, () => r.get())));
        if (lanes === 4) row.push(fn.vstore(out.get(), r.get(), ep.y.addr + off));
        else for (let l = 0; l < lanes; l++) row.push(fn.vstoreLane(out.get(), r.get(), l, ep.y.addr + off + 4 * l));
      }
      return row;
    };
    stmts.push(...outputRow(s, 0));
    // The bottom row of the last tile row is past the output when OH is odd.
    const bottom = outputRow(dd, 1);
    stmts.push(OH % 2 === 0 ? fn.block(bottom) : fn.if(fn.ltS(fn.add(oy.get(), 1), OH), bottom));
    return stmts;
  };

  // Groups whose 8 output columns all exist; a last group at the right edge stores fewer.
  const fullGroups = 4 * Math.floor(OW / 8);
  const perRow: Expr[] = [oy.set(fn.shl(fn.add(ty0(), tyl.get()), 1)), fn.for(tx, 0, fullGroups, 4, group(8))];
  if (fullGroups < p.TWp) perRow.push(tx.set(fn.i(fullGroups)), fn.block(group(OW - 2 * fullGroups)));
  return [fn.for(m, 0, p.M, 1, [fn.for(tyl, 0, rows, 1, perRow)])];
}

/** The whole conv: per image, the padded copy, then bands of tile rows (transforms around 16 GEMMs). */
export function lowerWinogradConv(ctx: LowerContext, p: WinogradPlan, x: Operand, w: Operand, bias: Operand | undefined, residual: Operand | undefined, y: Operand): Expr[] {
  const { fn } = ctx;
  const s = p.shape, N = x.dims[0]!;
  const u = ctx.addWeight(transformWeights(w.constant!, p.M, p.C), `convWinograd:${w.name}`);
  const pad = ctx.scratch, v = pad + p.padBytes, mbuf = v + p.vBytes;
  const image = fn.local('i32'), c = fn.local('i32'), xi = fn.local('i32'), ty0 = fn.local('i32');
  const ep: Epilogue = { bias, residual, y, ctx };

  const band = (rows: number, at: () => Expr): Expr[] => {
    const n = rows * p.TWp;
    return [
      ...emitInputTransform(fn, p, pad, v, at, rows),
      fn.for(xi, 0, 16, 1, emitBlockedGemm(fn, {
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
