// MatMulInteger with constant 2-D weights on the integer GEMM of gemm-i16.ts:
//   y[m, n] = sum over k of (a[m, k] - za) · (b[k, n] - zb[n])      exact int32 sums
// The GEMM's "channels" are the columns n of b (b is transposed and packed at compile time into
// its pair layout, still 8-bit in the weights file) and its "pixels" the rows m of a: per band of
// rows, blocks of 16 rows are packed straight from a into the i16 panel — eight k of four rows
// (v128.load8x8, centred by x - za), then a 4×4 transpose of their (k, k+1) pairs — so a needs no
// im2col. b's zero point is taken out after the sums, as exact integers:
//   sum (a - za)(b - zb) = sum (a - za)·b - zb · sum (a - za)     (row sums of a, per band)
// The epilogue stores each column's 16 sums to their rows (stride N): as int32 (MatMulInteger), or
// for ScaledMatMulInteger as float32(acc) · scale[n] + bias[n] (f32x4 convert, mul, add: the same
// float32 steps as the op's definition), or for QLinearMatMul requantized as the conv's epilogue
// does (+ bias, × M[n], nearest, + zy, saturating narrows) and stored as bytes.
import { sizeOf } from '@onnx2wasm/ir';
import { constantInput, registerLowering, staticView } from '../../lowering.js';
import { Expr, FnBuilder, Local } from '../../wasm-builder.js';
import { emitGemmI16, packWeights } from './gemm-i16.js';
import { GEMV_MAX_ROWS, gemvPlan, gemvScratchBytes, lowerGemvInteger } from './gemv-integer.js';
import { requantization, slots, weightZeroPoints } from './matmul-integer-inputs.js';
import { narrowTo8Bit, roundTo8Bit } from './round-to-8bit.js';

/** Bytes of panel per band: about half of a typical L2 (as the conv's). */
const PANEL_BYTES = 128 * 1024;
const align16 = (n: number) => 16 * Math.ceil(n / 16);

interface Plan {
  rows: number; K: number; N: number;
  /** K rounded up to 8 (one load8x8 per row and step); the weights are 0 past K. */
  K8: number; K2: number;
  /** Rows per band (a multiple of 16) and whether a is copied into a padded buffer first. */
  band: number; copy: boolean;
  panelBytes: number; copyBytes: number; sumBytes: number;
}

function planOf(a: number[], b: number[], rowSums: boolean): Plan {
  const [K, N] = b as [number, number];
  const rows = sizeOf(a) / K;
  const K8 = 8 * Math.ceil(K / 8), K2 = K8 / 2;
  const band = Math.min(align16(rows), Math.max(16, 16 * Math.floor(PANEL_BYTES / (4 * K2) / 16)));
  // Reading a in place needs whole rows of 8-byte steps and whole blocks of 16 rows.
  const copy = K8 !== K || rows % 16 !== 0;
  return {
    rows, K, N, K8, K2, band, copy,
    panelBytes: K2 * 4 * band,
    copyBytes: copy ? align16(band * K8) : 0,
    sumBytes: rowSums ? 4 * band : 0,
  };
}

const dims = (o: { dims: number[] } | undefined) => o?.dims ?? [];

/** Packs blocks of 16 rows of a (row stride `stride`) into the GEMM's i16 panel, centred on za. */
function emitPackRows(fn: FnBuilder, p: Plan, o: { src: () => Expr; stride: number; blocks: () => Expr; panel: number; z: Local; signed: boolean }): Expr[] {
  const pb = fn.local('i32'), kq = fn.local('i32'), row = fn.local('i32'), dst = fn.local('i32');
  const v = [0, 1, 2, 3].map(() => fn.local('v128'));
  const t = [0, 1, 2, 3].map(() => fn.local('v128'));
  const group: Expr[] = [];
  for (let j = 0; j < 4; j++) {
    for (let l = 0; l < 4; l++) group.push(v[l]!.set(fn.simd('i16x8', 'sub', fn.vload8x8(row.get(), o.signed, (4 * j + l) * o.stride), o.z.get())));
    group.push(
      t[0]!.set(fn.vshuffle(v[0]!.get(), v[1]!.get(), [0, 4, 1, 5])), t[1]!.set(fn.vshuffle(v[0]!.get(), v[1]!.get(), [2, 6, 3, 7])),
      t[2]!.set(fn.vshuffle(v[2]!.get(), v[3]!.get(), [0, 4, 1, 5])), t[3]!.set(fn.vshuffle(v[2]!.get(), v[3]!.get(), [2, 6, 3, 7])),
      // Pair q of the eight k, for rows 4j .. 4j+3: the B-panel vector j of pair 4·kq + q.
      fn.vstore(dst.get(), fn.vshuffle(t[0]!.get(), t[2]!.get(), [0, 1, 4, 5]), 16 * j),
      fn.vstore(dst.get(), fn.vshuffle(t[0]!.get(), t[2]!.get(), [2, 3, 6, 7]), 64 + 16 * j),
      fn.vstore(dst.get(), fn.vshuffle(t[1]!.get(), t[3]!.get(), [0, 1, 4, 5]), 128 + 16 * j),
      fn.vstore(dst.get(), fn.vshuffle(t[1]!.get(), t[3]!.get(), [2, 3, 6, 7]), 192 + 16 * j),
    );
  }
  return [fn.for(pb, 0, o.blocks(), 1, [
    fn.for(kq, 0, p.K8 / 8, 1, [
      row.set(fn.add(o.src(), fn.add(fn.mul(pb.get(), 16 * o.stride), fn.shl(kq.get(), 3)))),
      dst.set(fn.add(fn.add(fn.mul(pb.get(), p.K2 * 64), fn.shl(kq.get(), 8)), o.panel)),
      ...group,
    ]),
  ])];
}

registerLowering({
  ops: ['MatMulInteger', 'ScaledMatMulInteger', 'QLinearMatMul'],
  scratchBytes(node, inputs) {
    // An upper bound: zero points that are all 0 need no row sums.
    const slot = slots(node.op);
    const g = gemvPlan(dims(inputs[0]), dims(inputs[slot.b]));
    if (g.rows <= GEMV_MAX_ROWS) return gemvScratchBytes(g);
    const p = planOf(dims(inputs[0]), dims(inputs[slot.b]), !!inputs[slot.zb]);
    return p.panelBytes + p.copyBytes + p.sumBytes + 64;
  },
  lower(context) {
    const ctx = staticView(context);
    const { fn } = ctx;
    const slot = slots(ctx.node.op);
    if (gemvPlan(ctx.inputs[0]!.dims, ctx.inputs[slot.b]!.dims).rows <= GEMV_MAX_ROWS) return lowerGemvInteger(ctx);
    const a = ctx.inputs[0], b = ctx.inputs[slot.b];
    const za = ctx.inputs[slot.za];
    const scale = slot.scale !== undefined ? ctx.inputs[slot.scale] : undefined;
    const bias = slot.bias !== undefined ? ctx.inputs[slot.bias] : undefined;
    const y = ctx.outputs[0]!;
    const bt = constantInput(ctx, slot.b, 'b (the weights)');
    const zb = weightZeroPoints(ctx);
    const p = planOf(a!.dims, b!.dims, !!ctx.inputs[slot.zb]);
    const { K, N, K8 } = p;
    const signedA = a!.dtype === 'int8';
    // b transposed to N rows of K8 (zero past K), then packed in the GEMM's pairs.
    const bd = bt.data as ArrayLike<number>;
    const rowsOfB = new Int32Array(N * K8);
    for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) rowsOfB[n * K8 + k] = Number(bd[k * N + n]);
    const weights = ctx.addWeight(packWeights(rowsOfB, N, K8));
    const zbAddr = zb ? ctx.addWeight(new Uint8Array(Int32Array.from([...zb.length === 1 ? new Array(N).fill(zb[0]) : zb, 0]).buffer)) : 0;

    const panel = ctx.scratch, copied = panel + p.panelBytes, sums = copied + p.copyBytes, tmp = sums + p.sumBytes;
    const zaV = fn.local('i32'), z = fn.local('v128');
    const m0 = fn.local('i32'), rows = fn.local('i32'), blocks = fn.local('i32'), r = fn.local('i32'), k = fn.local('i32'), s = fn.local('i32');
    const valid = fn.local('i32'), dst = fn.local('i32'), zbv = fn.local('v128'), sv = fn.local('v128'), bv = fn.local('v128');
    const perColumnScale = !!scale && sizeOf(scale.dims) !== 1;
    const q = slot.requantize ? requantization(ctx, N) : undefined;
    const mv = fn.local('v128'), bi = fn.local('v128');
    const rounding = q && roundTo8Bit(fn, q.signedOut, q.zy);
    const aRow = (row: Expr) => fn.add(fn.mul(fn.add(m0.get(), row), K), a!.addr);

    const band: Expr[] = [
      rows.set(fn.selectI(fn.ltS(fn.sub(p.rows, m0.get()), p.band), fn.sub(p.rows, m0.get()), p.band)),
      blocks.set(fn.divU(fn.add(rows.get(), 15), 16)),
    ];
    if (p.copy) {
      // Rows padded to K8 with za (centred: 0); rows past the band's end are never stored.
      band.push(
        fn.fill(copied, zaV.get(), p.band * K8),
        fn.for(r, 0, rows.get(), 1, [fn.copy(fn.add(fn.mul(r.get(), K8), copied), aRow(r.get()), K)]),
      );
    }
    if (zb) {
      // sum over k of (a[m, k] - za), per row of the band.
      const load = (addr: Expr) => (signedA ? fn.load8S(addr) : fn.load8U(addr));
      band.push(fn.for(r, 0, rows.get(), 1, [
        s.set(fn.i(0)),
        fn.for(k, 0, K, 1, [s.set(fn.add(s.get(), load(fn.add(aRow(r.get()), k.get()))))]),
        fn.storeI32(fn.add(fn.shl(r.get(), 2), sums), fn.sub(s.get(), fn.mul(zaV.get(), K))),
      ]));
    }
    band.push(
      ...emitPackRows(fn, p, {
        src: () => (p.copy ? fn.i(copied) : aRow(fn.i(0))), stride: p.copy ? K8 : K,
        blocks: () => blocks.get(), panel, z, signed: signedA,
      }),
      ...emitGemmI16(fn, { M: N, K2: p.K2, weights, panel: () => fn.i(panel), blocks: () => blocks.get(), signedWeights: b!.dtype === 'int8' }, ({ acc, m, pb }) => ({
        prologue: [],
        store(i) {
          // m is the column n here; the sums of rows 16·pb + 4j + l go to y[m0 + row, n].
          const sum = (j: number): Expr => (zb
            ? fn.simd('i32x4', 'sub', acc[i]![j]!.get(), fn.simd('i32x4', 'mul', zbv.get(), fn.vload(fn.add(fn.shl(pb.get(), 6), sums), 16 * j)))
            : acc[i]![j]!.get());
          const scaled = (j: number): Expr => fn.vmul(fn.vfromI32(sum(j)), sv.get());
          const value = (j: number): Expr => (!scale ? sum(j) : bias ? fn.vadd(scaled(j), bv.get()) : scaled(j));
          if (q) {
            // onnxruntime's requantization in registers, then 16 bytes to their rows through tmp.
            const requant = (j: number) => rounding!.requantize(q.bias !== undefined ? fn.viadd(sum(j), bi.get()) : sum(j), mv.get());
            const bytes = narrowTo8Bit(fn, [requant(0), requant(1), requant(2), requant(3)], q.signedOut);
            const full: Expr[] = [];
            for (let l = 0; l < 16; l++) full.push(fn.store8(dst.get(), fn.load8U(tmp, l), l * N));
            return [
              ...(zb ? [zbv.set(fn.visplat(fn.loadI32(fn.shl(m.get(), 2), zbAddr)))] : []),
              ...(q.bias !== undefined ? [bi.set(fn.visplat(fn.loadI32(fn.shl(m.get(), 2), q.bias)))] : []),
              mv.set(fn.vloadSplat(fn.shl(m.get(), 2), q.mult)),
              fn.vstore(tmp, bytes),
              dst.set(fn.add(fn.add(fn.mul(fn.add(m0.get(), fn.shl(pb.get(), 4)), N), m.get()), y.addr)),
              valid.set(fn.sub(rows.get(), fn.shl(pb.get(), 4))),
              fn.if(fn.geS(valid.get(), 16), full, [
                fn.for(r, 0, valid.get(), 1, [fn.store8(fn.add(dst.get(), fn.mul(r.get(), N)), fn.load8U(fn.add(r.get(), tmp)))]),
              ]),
            ];
          }
          const lanes: Expr[] = [];
          for (let j = 0; j < 4; j++) for (let l = 0; l < 4; l++) lanes.push(fn.vstoreLane(dst.get(), value(j), l, (4 * j + l) * N * 4));
          return [
            ...(zb ? [zbv.set(fn.visplat(fn.loadI32(fn.shl(m.get(), 2), zbAddr)))] : []),
            ...(perColumnScale ? [sv.set(fn.vloadSplat(fn.shl(m.get(), 2), scale!.addr))] : []),
            ...(bias ? [bv.set(fn.vloadSplat(fn.shl(m.get(), 2), bias.addr))] : []),
            dst.set(fn.add(fn.shl(fn.add(fn.mul(fn.add(m0.get(), fn.shl(pb.get(), 4)), N), m.get()), 2), y.addr)),
            valid.set(fn.sub(rows.get(), fn.shl(pb.get(), 4))),
            // A partial last block goes through tmp (the lanes are stored as their bits).
            fn.if(fn.geS(valid.get(), 16), lanes, [
              ...[0, 1, 2, 3].map((j) => fn.vstore(tmp, value(j), 16 * j)),
              fn.for(r, 0, valid.get(), 1, [fn.storeI32(fn.add(dst.get(), fn.mul(r.get(), N * 4)), fn.loadI32(fn.add(fn.shl(r.get(), 2), tmp)))]),
            ]),
          ];
        },
      })),
    );
    const zaLoad = za ? (signedA ? fn.load8S(za.addr) : fn.load8U(za.addr)) : fn.i(0);
    return [
      ...(rounding ? rounding.prologue : []),
      ...(scale && !perColumnScale ? [sv.set(fn.vloadSplat(scale.addr))] : []),
      zaV.set(zaLoad),
      z.set(fn.simd('i16x8', 'splat', zaV.get())),
      fn.for(m0, 0, p.rows, p.band, band),
    ];
  },
});
