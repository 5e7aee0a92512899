// MatMulInteger, ScaledMatMulInteger and QLinearMatMul for a few rows of a (a classifier's one
// row, a decode step): the GEMM of matmul-integer.ts packs a in blocks of 16 rows, so one row would
// cost sixteen. Here each row is a matrix-vector product with the columns of b in the lanes:
//   b is packed at compile time in blocks of 16 columns and pairs of k, 32 bytes per pair:
//     (b[k, n], b[k+1, n]) for n = 16j .. 16j+15 — still 8 bits in the weights file; widening
//     the low and high halves of each 16 bytes gives four i16x8 vectors of four columns each;
//   the row of a is centred (a - za) and widened to i16 once, into scratch, so one
//     v128.load32_splat puts (a[k] - za, a[k+1] - za) in every lane pair;
//   i32x4.dot_i16x8_s of the two adds both products of the pair per column: exact int32 sums.
// b's zero points come out after the sums, as in the GEMM: - zb[n] · sum over k of (a[k] - za).
// The epilogue is the GEMM's, on vectors of four columns: int32 stored (MatMulInteger), or
// float32(sum) · scale + bias (ScaledMatMulInteger), or requantized to bytes (QLinearMatMul).
import { sizeOf } from '@onnx2wasm/ir';
import { StaticContext, constantInput } from '../../lowering.js';
import { Expr } from '../../wasm-builder.js';
import { requantization, slots, weightZeroPoints } from './matmul-integer-inputs.js';
import { narrowTo8Bit, roundTo8Bit } from './round-to-8bit.js';

/** Below this many rows of a, the GEMV beats the 16-row GEMM (it reads b once per row). */
export const GEMV_MAX_ROWS = 3;

const COLS = 16;

interface GemvPlan { rows: number; K: number; N: number; K2: number; blocks: number; aBytes: number; vecBytes: number }

export function gemvPlan(a: number[], b: number[]): GemvPlan {
  const [K, N] = b as [number, number];
  const K2 = Math.ceil(K / 2), blocks = Math.ceil(N / COLS);
  // Scratch: the widened row, a run-time scale and bias copied to whole blocks, one block's result.
  return { rows: sizeOf(a) / K, K, N, K2, blocks, aBytes: 16 * Math.ceil((4 * K2) / 16), vecBytes: 4 * COLS * blocks };
}

export function gemvScratchBytes(p: GemvPlan): number {
  return p.aBytes + 2 * p.vecBytes + 4 * COLS;
}

/** b [K, N] in the layout above; columns past N and the k past K are 0. */
function packColumns(b: ArrayLike<number>, p: GemvPlan): Uint8Array {
  const out = new Uint8Array(p.blocks * p.K2 * 2 * COLS);
  for (let j = 0; j < p.blocks; j++) for (let kp = 0; kp < p.K2; kp++) for (let c = 0; c < COLS; c++) for (let kk = 0; kk < 2; kk++) {
    const n = j * COLS + c, k = 2 * kp + kk;
    if (n < p.N && k < p.K) out[(j * p.K2 + kp) * 2 * COLS + 2 * c + kk] = Number(b[k * p.N + n]) & 0xff;
  }
  return out;
}

export function lowerGemvInteger(ctx: StaticContext): Expr[] {
  const { fn } = ctx;
  const slot = slots(ctx.node.op);
  const a = ctx.inputs[0]!, b = ctx.inputs[slot.b]!, za = ctx.inputs[slot.za];
  const scale = slot.scale !== undefined ? ctx.inputs[slot.scale] : undefined;
  const bias = slot.bias !== undefined && !slot.requantize ? ctx.inputs[slot.bias] : undefined;
  const y = ctx.outputs[0]!;
  const p = gemvPlan(a.dims, b.dims);
  const { K, N, K2, blocks } = p;
  const signedA = a.dtype === 'int8';
  const weights = ctx.addWeight(packColumns(constantInput(ctx, slot.b, 'b (the weights)').data as ArrayLike<number>, p));
  const zb = weightZeroPoints(ctx);
  const zbAddr = zb && ctx.addWeight(new Uint8Array(Int32Array.from({ length: COLS * blocks }, (_, n) => (n < N ? zb[zb.length === 1 ? 0 : n]! : 0)).buffer));
  const q = slot.requantize ? requantization(ctx, N, COLS * blocks) : undefined;
  const rounding = q && roundTo8Bit(fn, q.signedOut, q.zy);
  const perColumnScale = !!scale && sizeOf(scale.dims) !== 1;

  const aw = ctx.scratch, scaleCopy = aw + p.aBytes, biasCopy = scaleCopy + p.vecBytes, tmp = biasCopy + p.vecBytes;
  const r = fn.local('i32'), k = fn.local('i32'), j = fn.local('i32'), wp = fn.local('i32'), ap = fn.local('i32'), dst = fn.local('i32');
  const zaV = fn.local('i32'), x = fn.local('i32'), sum = fn.local('i32');
  const acc = [0, 1, 2, 3].map(() => fn.local('v128'));
  const s = fn.local('v128'), w = fn.local('v128'), w2 = fn.local('v128'), rowSum = fn.local('v128'), sv = fn.local('v128');
  // Per-column vectors are read in whole blocks of columns: a constant one is padded at compile
  // time, a run-time one (ScaledMatMulInteger's scale comes from the activations' quantization)
  // copied once per run into zeroed scratch.
  const copies: Expr[] = [];
  const blockwise = (t: typeof scale, copy: number): number => {
    const c = t!.constant;
    if (c) return ctx.addWeight(new Uint8Array(Float32Array.from({ length: COLS * blocks }, (_, n) => (n < N ? Number(c.data[n]) : 0)).buffer));
    copies.push(fn.fill(copy, 0, p.vecBytes), fn.copy(copy, t!.addr, 4 * N));
    return copy;
  };
  const scaleAt = perColumnScale ? blockwise(scale, scaleCopy) : 0;
  const biasAt = bias ? blockwise(bias, biasCopy) : 0;
  if (scale && !perColumnScale) copies.push(sv.set(fn.vloadSplat(scale.addr)));
  const ext = (v: Expr, high: boolean) => fn.simd('i16x8', `extend_${high ? 'high' : 'low'}_i8x16_${b.dtype === 'int8' ? 's' : 'u'}`, v);
  const dot = (i: number, v: Expr) => acc[i]!.set(fn.viadd(acc[i]!.get(), fn.simd('i32x4', 'dot_i16x8_s', s.get(), v)));
  const load8 = (addr: Expr) => (signedA ? fn.load8S(addr) : fn.load8U(addr));

  // Group g (columns 16j + 4g ..) of the block, after the sums: the output vector.
  const column = (g: number) => fn.add(fn.shl(j.get(), 6), 16 * g);
  const sums = (g: number): Expr => (zb
    ? fn.simd('i32x4', 'sub', acc[g]!.get(), fn.simd('i32x4', 'mul', fn.vload(column(g), zbAddr!), rowSum.get()))
    : acc[g]!.get());
  const scaled = (g: number): Expr => {
    const v = fn.vmul(fn.vfromI32(sums(g)), perColumnScale ? fn.vload(column(g), scaleAt) : sv.get());
    return bias ? fn.vadd(v, fn.vload(column(g), biasAt)) : v;
  };
  const requantized = (g: number): Expr => rounding!.requantize(
    q!.bias !== undefined ? fn.viadd(sums(g), fn.vload(column(g), q!.bias)) : sums(g), fn.vload(column(g), q!.mult));
  const fullBlocks = Math.floor(N / COLS), tailBytes = (N % COLS) * (q ? 1 : 4);
  // The last block of a ragged N goes through tmp and a copy of its valid bytes.
  const block = (stores: (at: () => Expr) => Expr[]) => fn.if(fn.ltS(j.get(), fullBlocks), stores(() => dst.get()), [...stores(() => fn.i(tmp)), fn.copy(dst.get(), tmp, tailBytes)]);
  const epilogue = q
    ? [
      dst.set(fn.add(fn.add(fn.mul(r.get(), N), fn.shl(j.get(), 4)), y.addr)),
      block((at) => [fn.vstore(at(), narrowTo8Bit(fn, [requantized(0), requantized(1), requantized(2), requantized(3)], q.signedOut))]),
    ]
    : [
      dst.set(fn.add(fn.shl(fn.add(fn.mul(r.get(), N), fn.shl(j.get(), 4)), 2), y.addr)),
      block((at) => [0, 1, 2, 3].map((g) => fn.vstore(at(), scale ? scaled(g) : sums(g), 16 * g))),
    ];

  const row: Expr[] = [
    // The row of a, centred and widened to i16 (the odd K's last pair ends in 0), and its sum.
    fn.storeI32(aw + 4 * (K2 - 1), fn.i(0)),
    sum.set(fn.i(0)),
    fn.for(k, 0, K, 1, [
      x.set(fn.sub(load8(fn.add(fn.add(fn.mul(r.get(), K), k.get()), a.addr)), zaV.get())),
      fn.store16(fn.add(fn.shl(k.get(), 1), aw), x.get()),
      sum.set(fn.add(sum.get(), x.get())),
    ]),
    rowSum.set(fn.visplat(sum.get())),
    fn.for(j, 0, blocks, 1, [
      ...acc.map((v) => v.set(fn.vzero())),
      wp.set(fn.add(fn.mul(j.get(), K2 * 2 * COLS), weights)),
      ap.set(fn.i(aw)),
      fn.for(k, 0, K2, 1, [
        s.set(fn.vloadSplat(ap.get())),
        w.set(fn.vload(wp.get())), w2.set(fn.vload(wp.get(), 16)),
        dot(0, ext(w.get(), false)), dot(1, ext(w.get(), true)), dot(2, ext(w2.get(), false)), dot(3, ext(w2.get(), true)),
        ap.set(fn.add(ap.get(), 4)), wp.set(fn.add(wp.get(), 2 * COLS)),
      ]),
      ...epilogue,
    ]),
  ];
  return [
    ...(rounding ? rounding.prologue : []),
    ...copies,
    zaV.set(za ? load8(fn.i(za.addr)) : fn.i(0)),
    fn.for(r, 0, p.rows, 1, row),
  ];
}
