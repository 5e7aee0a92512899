// The transforms of the exact integer Winograd F(2x2, 3x3) of the 8-bit conv (winograd-conv.ts):
//   Y' = Aᵀ [ (G' g G'ᵀ) ⊙ (Bᵀ d B) ] A = 4 · (3x3 conv of d with g)
// with G' = 2G, so that every matrix is integer:
//   Bᵀ = [[1,0,-1,0],[0,1,1,0],[0,-1,1,0],[0,1,0,-1]]   (rows of absolute sum 2: |V| ≤ 4·255, i16)
//   G' = [[2,0,0],[1,1,1],[1,-1,1],[0,0,2]]             (|U'| ≤ 9·255, i16)
//   Aᵀ = [[1,1,1,0],[0,1,-1,-1]].
// Position ξ = 4i + j of the 4x4 domain. Layouts (pairs of channels, as gemm-i16.ts's dot wants):
//   U' (derived at load): for each pair of output channels mp, ξ, pair of input channels kp,
//     8 bytes = i16 (U'[m, c], U'[m, c+1], U'[m+1, c], U'[m+1, c+1]);
//   V (the panel): for each block of 16 tiles, ξ, kp, 64 bytes = four vectors of 4 tiles, each
//     the i16 pairs (V[c, t], V[c+1, t]).
import { Expr, FnBuilder, Local } from '../../wasm-builder.js';

export const BT = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]];
export const G2 = [[2, 0, 0], [1, 1, 1], [1, -1, 1], [0, 0, 2]];
export const AT = [[1, 1, 1, 0], [0, 1, -1, -1]];

/** Σ coefs[k] · x_k with coefficients in {0, ±1, 2}, by adds, subtracts and shifts. */
function combine(coefs: number[], x: (k: number) => Expr, add: (a: Expr, b: Expr) => Expr, sub: (a: Expr, b: Expr) => Expr, double: (a: Expr) => Expr): Expr {
  let sum: Expr | undefined;
  let negated: Expr | undefined;
  coefs.forEach((c, k) => {
    if (c === 0) return;
    if (c < 0) { negated = negated ? add(negated, x(k)) : x(k); return; }
    const term = c === 2 ? double(x(k)) : x(k);
    sum = sum ? add(sum, term) : term;
  });
  // Every row here has a positive coefficient, so a negated term always has something to leave.
  return negated ? sub(sum!, negated) : sum!;
}

/**
 * A shared function (src, dst, pairsM, pairsC) run at load time: reads the 3x3 filters at src as
 * packFilters lays them out and writes U' = G' g G'ᵀ in the layout above. The four filters of a
 * pair of output channels × pair of input channels are the four lanes of each vector, in U''s own
 * order, so each position ξ is one 8-byte store.
 */
export function filterTransformHelper(helper: (name: string, build: (fn: FnBuilder) => void, params: 'i32'[]) => string, signed: boolean): string {
  return helper(`int8WinogradWeights${signed ? 'S' : 'U'}`, (fn) => {
    const src = fn.param(0), dst = fn.param(1), pairsM = fn.param(2), pairsC = fn.param(3);
    const mp = fn.local('i32'), kp = fn.local('i32'), at = fn.local('i32'), to = fn.local('i32'), stride = fn.local('i32');
    const g = Array.from({ length: 9 }, () => fn.local('v128'));
    const tg = Array.from({ length: 12 }, () => fn.local('v128'));
    const ops = [(a: Expr, b: Expr) => fn.simd('i32x4', 'add', a, b), (a: Expr, b: Expr) => fn.simd('i32x4', 'sub', a, b), (a: Expr) => fn.vishl(a, 1)] as const;
    const body: Expr[] = g.map((l, i) => l.set(fn.vload8x4(at.get(), signed, 4 * i)));
    // tg = G' g (4 x 3), then U'[r][s] = Σ_k G'[s][k] tg[r][k], each narrowed to i16 (|U'| ≤ 9·255).
    for (let r = 0; r < 4; r++) for (let j = 0; j < 3; j++) body.push(tg[r * 3 + j]!.set(combine(G2[r]!, (k) => g[k * 3 + j]!.get(), ...ops)));
    body.push(to.set(fn.add(fn.add(dst.get(), fn.mul(mp.get(), fn.shl(stride.get(), 4))), fn.shl(kp.get(), 3))));
    for (let r = 0; r < 4; r++) for (let s = 0; s < 4; s++) {
      const u = combine(G2[s]!, (k) => tg[r * 3 + k]!.get(), ...ops);
      body.push(fn.vstoreLow8(to.get(), fn.simd('i16x8', 'narrow_i32x4_s', u, fn.vzero())), to.set(fn.add(to.get(), stride.get())));
    }
    body.push(at.set(fn.add(at.get(), 36)));
    fn.finish([
      at.set(src.get()),
      // Bytes from one position ξ to the next: pairsC · 8.
      stride.set(fn.shl(pairsC.get(), 3)),
      fn.for(mp, 0, pairsM.get(), 1, [fn.for(kp, 0, pairsC.get(), 1, body)]),
    ]);
  }, ['i32', 'i32', 'i32', 'i32']);
}

/**
 * The filters [M][C][3][3] as filterTransformHelper reads them: per pair of output channels mp and
 * pair of input channels kp, per tap, the 4 bytes w[m, c], w[m, c+1], w[m+1, c], w[m+1, c+1]
 * (missing channels 0). Same size as the filters, padded to pairs.
 */
export function packFilters(w: ArrayLike<number>, M: number, C: number): Uint8Array {
  const M2 = Math.ceil(M / 2), C2 = Math.ceil(C / 2);
  const out = new Uint8Array(M2 * C2 * 36);
  for (let m = 0; m < M; m++) for (let c = 0; c < C; c++) for (let i = 0; i < 9; i++) {
    out[((((m >> 1) * C2 + (c >> 1)) * 9 + i) << 2) + ((m & 1) << 1) + (c & 1)] = Number(w[(m * C + c) * 9 + i]) & 0xff;
  }
  return out;
}

/**
 * V = Bᵀ d B of 4 tiles (input columns 2t .. 2t+3 of 4 rows) of channels c and c+1, stored as 16
 * vectors of (V[c, t], V[c+1, t]) pairs at dst + ξ·xiBytes. `row(i, ch)` loads 16 bytes from input
 * row i of channel c + ch at the tiles' first column. d is taken uncentred: Bᵀ's row sums are
 * (0, 2, 0, 0), so centring would only subtract 4·zx from V[ξ = 5], which the caller folds into the bias.
 */
export function emitInputTransform(fn: FnBuilder, signed: boolean, row: (i: number, ch: 0 | 1) => Expr, dst: Local, xiBytes: number): Expr[] {
  const vecs = (n: number) => Array.from({ length: n }, () => fn.local('v128'));
  const lc = vecs(2), s = vecs(2), d = vecs(4), e = vecs(16);
  const add = (a: Expr, b: Expr) => fn.simd('i16x8', 'add', a, b), sub = (a: Expr, b: Expr) => fn.simd('i16x8', 'sub', a, b);
  const ext = (v: Local, high: boolean) => fn.simd('i16x8', `extend_${high ? 'high' : 'low'}_i8x16_${signed ? 's' : 'u'}`, v.get());
  const out: Expr[] = [];
  for (let i = 0; i < 4; i++) {
    out.push(lc[0]!.set(row(i, 0)), lc[1]!.set(row(i, 1)));
    // Columns 2t + k of the 4 tiles, channel c in the low four lanes and c+1 in the high four.
    const cols = (k: number) => [0, 1, 2, 3].map((t) => 2 * t + k);
    const pick = (k: number) => [...cols(k), ...cols(k).map((b) => 16 + b)];
    out.push(s[0]!.set(fn.shuffle8(lc[0]!.get(), lc[1]!.get(), [...pick(0), ...pick(1)])));
    out.push(s[1]!.set(fn.shuffle8(lc[0]!.get(), lc[1]!.get(), [...pick(2), ...pick(3)])));
    out.push(d[0]!.set(ext(s[0]!, false)), d[1]!.set(ext(s[0]!, true)), d[2]!.set(ext(s[1]!, false)), d[3]!.set(ext(s[1]!, true)));
    BT.forEach((coefs, j) => out.push(e[i * 4 + j]!.set(combine(coefs, (k) => d[k]!.get(), add, sub, (a) => fn.simd('i16x8', 'shl', a, fn.i(1))))));
  }
  // Lanes (c t0..t3, c+1 t0..t3) → pairs (c t, c+1 t).
  const pairs = [0, 4, 1, 5, 2, 6, 3, 7].flatMap((l) => [2 * l, 2 * l + 1]);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) {
    const v = combine(BT[i]!, (k) => e[k * 4 + j]!.get(), add, sub, (a) => fn.simd('i16x8', 'shl', a, fn.i(1)));
    out.push(fn.vstore(dst.get(), fn.shuffle8(v, fn.vzero(), pairs), (4 * i + j) * xiBytes));
  }
  return out;
}

/**
 * Y' = Aᵀ M A of 4 tiles, M[ξ] the i32x4 sums `m(ξ)`: the four outputs (y00, y01, y10, y11), each
 * an i32x4 over the tiles. Intermediate sums may wrap; Y' is exact modulo 2^32 (see winograd-conv.ts).
 */
export function outputTransform(fn: FnBuilder, m: (xi: number) => Expr, s: Local[]): { stmts: Expr[]; y: Expr[] } {
  const add = (a: Expr, b: Expr) => fn.simd('i32x4', 'add', a, b), sub = (a: Expr, b: Expr) => fn.simd('i32x4', 'sub', a, b);
  const stmts: Expr[] = [];
  // s[q][col] = Σ_r Aᵀ[q][r] M[r][col], then y[q][k] = Σ_col Aᵀ[k][col] s[q][col].
  for (let q = 0; q < 2; q++) for (let col = 0; col < 4; col++) stmts.push(s[q * 4 + col]!.set(combine(AT[q]!, (r) => m(r * 4 + col), add, sub, (a) => fn.simd('i16x8', 'shl', a, fn.i(1)))));
  const y = [0, 1].flatMap((q) => [0, 1].map((k) => combine(AT[k]!, (col) => s[q * 4 + col]!.get(), add, sub, (a) => fn.simd('i16x8', 'shl', a, fn.i(1)))));
  return { stmts, y };
}
