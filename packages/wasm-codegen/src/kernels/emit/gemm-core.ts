// The register-blocked matrix multiply every matmul-like kernel shares (Gemm, MatMul, Conv, Attention):
//   C[i, j] = epilogue(alpha * sum_k A[i, k] * B[k, j])
// B rows are contiguous in j, or B is packed in panels of PANEL columns (gemm-pack.ts) so that the
// micro-kernel reads it as one stream; blocks of rows of A may be interleaved first (aPack) for the
// same reason. A block of ROWS rows × VECS f32x4 columns of accumulators stays in
// locals across the whole k loop; A elements are splatted, B vectors loaded once per k and reused by
// every row. Tails (rows % ROWS, columns % 4) get smaller blocks of the same code; a partial last
// vector is stored lane by lane, and may read up to 12 bytes past the end of B (memory is padded).
// Sizes and strides may be run-time values (kernels for run-time dims): they are read into locals
// once, the row remainder picks its 1/2/3-row block at run time, and the column tail is one or two
// vectors whose last one stores only the lanes that exist. Numbers give the same code as before.
import { Operand, HelperHost } from '../../lowering.js';
import { Expr, FnBuilder, I32, Local } from '../../wasm-builder.js';
import { EpilogueActivation, emitActivation } from './activation.js';
import { emitGemmInRowBlocks } from './gemm-rows.js';
import type { Address, GemmSpec } from './gemm-spec.js';
import { hoister } from './hoist.js';

export type { Address, GemmSpec };

/** `off` bytes past `base` as a load/store's (address, offset): a constant base goes in the offset immediate. */
export function memAt(fn: FnBuilder, base: Address, off: Expr): [Expr, number] {
  return typeof base === 'number' ? [off, base] : [fn.add(base(), off), 0];
}

/** A run-time operand's address as an Address: weights and static buffers stay numbers (offset immediates). */
export function dynAddress(fn: FnBuilder, o: Operand): Address {
  const first = o.addr();
  return typeof first === 'number' ? first : () => fn.i(o.addr());
}

const ROWS = 4;
const VECS = 2;
/** Bytes of the scratch GemmSpec.aPack needs for a depth of K. */
export const aPackBytes = (K: number): number => ROWS * K * 4;

/**
 * Whether a GEMM of `rows` rows, depth K and N columns should pack its rows of A (GemmSpec.aPack):
 * measured (MatMul 128×1024 × 1024×256: 19 → 41 GFLOP/s), it pays when the rows are long and
 * reused across several panels of B; for short rows or few columns the copy costs more than it saves.
 * A run-time rows count passes undefined (only full blocks of rows are packed anyway).
 */
export function packsRowsOfA(rows: number | undefined, K: number, N: number): boolean {
  return (rows === undefined || rows >= ROWS) && K >= 64 && N >= 4 * PANEL;
}

/** Columns per packed B panel: one row block's VECS vectors. */
export const PANEL = 4 * VECS;

/**
 * Emits the statements computing C for one (M, N, K) problem: full blocks of ROWS rows through a
 * helper function shared by GEMMs of the same shape, so V8 optimizes it during the first run
 * (gemm-rows.ts); `inline: true` keeps everything in the calling function.
 */
export function emitGemm(fn: FnBuilder, s: GemmSpec, opts: { inline?: boolean } = {}): Expr[] {
  if (opts.inline) return emitGemmInline(fn, s);
  return emitGemmInRowBlocks(fn, s, ROWS, emitGemmInline);
}

function emitGemmInline(fn: FnBuilder, s: GemmSpec): Expr[] {
  const i = fn.local('i32'), j = fn.local('i32');
  const pa = fn.local('i32'), pb = fn.local('i32'), k = fn.local('i32');
  const acc: Local[][] = Array.from({ length: ROWS }, () => Array.from({ length: VECS }, () => fn.local('v128')));
  const bv: Local[] = Array.from({ length: VECS }, () => fn.local('v128'));
  const av = fn.local('v128');
  const tmp = fn.local('v128');
  const pre: Expr[] = [];
  const hoist = hoister(fn, pre);
  const bytes = (elements: () => I32) => { const e = elements(); return typeof e === 'number' ? () => 4 * e : hoist(fn.shl(e, 2)); };
  const aRow = hoist(s.aRowStride), aRowBytes = bytes(aRow), aKBytes = bytes(hoist(s.aKStride)), bKBytes = bytes(hoist(s.bKStride));
  // Byte offset of A's row r from row 0: a load offset when static, else a local (no mul per k).
  const aRowOffset = Array.from({ length: ROWS }, (_, r): (() => I32) => {
    const b = aRowBytes();
    if (typeof b === 'number') return () => r * b;
    return r === 0 ? () => 0 : r === 1 ? aRowBytes : hoist(fn.mul(b, r));
  });
  const cRow = hoist(s.cRowStride), rRow = s.residual ? hoist(s.residual.rRowStride) : () => 0;
  const K = hoist(s.K);
  const panelStride = s.bPanelStride === undefined ? undefined : hoist(s.bPanelStride);
  // Byte offset of the B block at column j (j is a multiple of PANEL whenever B is packed).
  const bColumn = (): Expr => {
    if (!panelStride) return fn.shl(j.get(), 2);
    const ps = panelStride();
    return typeof ps === 'number' ? fn.mul(j.get(), (ps * 4) / PANEL) : fn.shl(fn.mul(fn.divU(j.get(), PANEL), ps), 2);
  };

  /** rows × vecs accumulators at (i, j); `lastLanes` < 4 (or a run-time count) means the last vector is partial. */
  const block = (rows: number, vecs: number, lastLanes: number | (() => Expr), tail?: GemmSpec['bTail']): Expr[] => {
    const out: Expr[] = [];
    for (let r = 0; r < rows; r++) for (let v = 0; v < vecs; v++) out.push(acc[r]![v]!.set(fn.vzero()));
    // pa walks A along k for row i; pb walks B along k at column j.
    const packed = s.aPack !== undefined && rows === ROWS;
    out.push(pa.set(packed ? addressOf(s.aPack!) : fn.add(s.a(), fn.shl(fn.mul(i.get(), aRow()), 2))));
    out.push(pb.set(tail ? tail.b() : fn.add(s.b(), bColumn())));
    const inner: Expr[] = [];
    for (let v = 0; v < vecs; v++) inner.push(bv[v]!.set(fn.vload(pb.get(), 16 * v)));
    for (let r = 0; r < rows; r++) {
      const rowOffset = packed ? 4 * r : aRowOffset[r]!();
      inner.push(av.set(typeof rowOffset === 'number' ? fn.vloadSplat(pa.get(), rowOffset) : fn.vloadSplat(fn.add(pa.get(), rowOffset))));
      for (let v = 0; v < vecs; v++) inner.push(acc[r]![v]!.set(fn.fma(av.get(), bv[v]!.get(), acc[r]![v]!.get())));
    }
    inner.push(pa.set(fn.add(pa.get(), packed ? 4 * ROWS : aKBytes())));
    const bStep = (): I32 => (tail ? 4 * tail.kStride : bKBytes());
    inner.push(pb.set(fn.add(pb.get(), bStep())));
    // The k loop ends on B's pointer (k holds its end): one add fewer per step than a counter,
    // which measured +3% on GEMM 128x256x1024 (the loop is issue-bound, not FP-bound).
    const step = bStep();
    out.push(k.set(fn.add(pb.get(), typeof step === 'number' ? mulI32(fn, K(), step) : fn.mul(K(), step))));
    const loop = fn.doWhile(inner, () => fn.ltU(pb.get(), k.get()));
    const depth = K();
    out.push(typeof depth === 'number' ? (depth > 0 ? loop : fn.nop()) : fn.if(fn.gtS(depth, 0), [loop]));
    for (let r = 0; r < rows; r++) {
      for (let v = 0; v < vecs; v++) {
        const lanes = v === vecs - 1 ? lastLanes : 4;
        out.push(...epilogue(fn, s, acc[r]![v]!, r, v, tmp));
        const addr = () => fn.add(s.c(), fn.shl(fn.add(fn.mul(fn.add(i.get(), r), cRow()), fn.add(j.get(), 4 * v)), 2));
        if (lanes === 4) out.push(fn.vstore(addr(), acc[r]![v]!.get()));
        else if (typeof lanes === 'number') for (let l = 0; l < lanes; l++) out.push(fn.vstoreLane(addr(), acc[r]![v]!.get(), l, 4 * l));
        else {
          // A run-time count of 1..4 lanes: lane 0 always exists.
          out.push(fn.vstoreLane(addr(), acc[r]![v]!.get(), 0));
          for (let l = 1; l < 4; l++) out.push(fn.if(fn.gtS(lanes(), l), [fn.vstoreLane(addr(), acc[r]![v]!.get(), l, 4 * l)]));
        }
      }
    }
    return out;
  };

  // Column sweep for a row block of `rows` rows starting at i (a full block is packed first when asked).
  const columns = (rows: number): Expr[] => [
    ...(s.aPack !== undefined && rows === ROWS ? packRows() : []),
    ...(typeof s.N !== 'number' ? dynamicColumns(rows) : staticColumns(rows)),
  ];
  // A[i .. i + ROWS, 0 .. K] → aPack as [K][ROWS]: a 4×4 transpose per four k when A's rows are
  // contiguous in k, then (or otherwise) one element at a time.
  const packRows = (): Expr[] => {
    const src = fn.local('i32'), dst = fn.local('i32'), kk = fn.local('i32');
    const load = (r: number, vector: boolean): Expr => {
      const off = aRowOffset[r]!();
      const [addr, imm] = typeof off === 'number' ? [src.get(), off] : [fn.add(src.get(), off), 0];
      return vector ? fn.vload(addr, imm) : fn.loadF32(addr, imm);
    };
    const out: Expr[] = [src.set(fn.add(s.a(), fn.shl(fn.mul(i.get(), aRow()), 2))), dst.set(addressOf(s.aPack!))];
    let scalarFrom: I32 = 0;
    if (s.aKStride === 1) {
      const rv = Array.from({ length: ROWS }, () => fn.local('v128'));
      const lo = [fn.local('v128'), fn.local('v128')], hi = [fn.local('v128'), fn.local('v128')];
      const K4 = (): I32 => (typeof s.K === 'number' ? s.K - (s.K % 4) : fn.and(K(), -4));
      out.push(fn.for(kk, 0, K4(), 4, [
        ...rv.map((v, r) => v.set(load(r, true))),
        lo[0]!.set(fn.vshuffle(rv[0]!.get(), rv[1]!.get(), [0, 4, 1, 5])), lo[1]!.set(fn.vshuffle(rv[2]!.get(), rv[3]!.get(), [0, 4, 1, 5])),
        hi[0]!.set(fn.vshuffle(rv[0]!.get(), rv[1]!.get(), [2, 6, 3, 7])), hi[1]!.set(fn.vshuffle(rv[2]!.get(), rv[3]!.get(), [2, 6, 3, 7])),
        fn.vstore(dst.get(), fn.vshuffle(lo[0]!.get(), lo[1]!.get(), [0, 1, 4, 5])),
        fn.vstore(dst.get(), fn.vshuffle(lo[0]!.get(), lo[1]!.get(), [2, 3, 6, 7]), 16),
        fn.vstore(dst.get(), fn.vshuffle(hi[0]!.get(), hi[1]!.get(), [0, 1, 4, 5]), 32),
        fn.vstore(dst.get(), fn.vshuffle(hi[0]!.get(), hi[1]!.get(), [2, 3, 6, 7]), 48),
        src.set(fn.add(src.get(), 16)), dst.set(fn.add(dst.get(), 64)),
      ]));
      scalarFrom = K4();
    }
    const copy: Expr[] = [];
    for (let r = 0; r < ROWS; r++) copy.push(fn.storeF32(dst.get(), load(r, false), 4 * r));
    copy.push(src.set(fn.add(src.get(), aKBytes())), dst.set(fn.add(dst.get(), 4 * ROWS)));
    out.push(fn.for(kk, scalarFrom, K(), 1, copy));
    return out;
  };
  const staticColumns = (rows: number): Expr[] => {
    const N = s.N as number;
    const fullBlocks = Math.floor(N / (4 * VECS)) * 4 * VECS;
    const rest = N - fullBlocks;
    const stmts: Expr[] = [fn.for(j, 0, fullBlocks, 4 * VECS, block(rows, VECS, 4))];
    if (rest > 0) {
      stmts.push(j.set(fn.i(fullBlocks)));
      stmts.push(fn.block(block(rows, Math.ceil(rest / 4), rest % 4 === 0 ? 4 : rest % 4, s.bTail)));
    }
    return stmts;
  };
  // Run-time N: full blocks, then a tail of 1..7 columns as one or two vectors.
  const N = hoist(s.N);
  const nFull = typeof s.N === 'number' ? undefined : hoist(fn.and(N(), -4 * VECS));
  const nRest = typeof s.N === 'number' ? undefined : hoist(fn.and(N(), 4 * VECS - 1));
  if (s.bTail && typeof s.N !== 'number') throw new Error('emitGemm: a compact B tail needs a static N');
  const dynamicColumns = (rows: number): Expr[] => [
    fn.for(j, 0, nFull!(), 4 * VECS, block(rows, VECS, 4)),
    fn.if(fn.ne(nRest!(), 0), [
      j.set(fn.i(nFull!())),
      fn.if(fn.gtS(nRest!(), 4),
        block(rows, 2, () => fn.sub(nRest!(), 4)),
        block(rows, 1, () => fn.i(nRest!()))),
    ]),
  ];

  if (typeof s.M !== 'number') {
    const M = hoist(s.M);
    const mFull = hoist(fn.and(M(), -ROWS)), mRest = hoist(fn.and(M(), ROWS - 1));
    return [...pre,
      fn.for(i, 0, mFull(), ROWS, columns(ROWS)),
      fn.if(fn.ne(mRest(), 0), [
        i.set(fn.i(mFull())),
        fn.if(fn.eq(mRest(), 1), columns(1), [fn.if(fn.eq(mRest(), 2), columns(2), columns(3))]),
      ]),
    ];
  }
  const fullRows = Math.floor(s.M / ROWS) * ROWS;
  const stmts: Expr[] = [...pre, fn.for(i, 0, fullRows, ROWS, columns(ROWS))];
  if (s.M > fullRows) {
    stmts.push(i.set(fn.i(fullRows)));
    stmts.push(...columns(s.M - fullRows));
  }
  return stmts;

  function addressOf(x: Address): Expr { return typeof x === 'number' ? fn.i(x) : x(); }

  function epilogue(f: FnBuilder, spec: GemmSpec, a: Local, r: number, v: number, t: Local): Expr[] {
    const e: Expr[] = [];
    if (spec.alpha !== undefined && spec.alpha !== 1) e.push(a.set(f.vmul(a.get(), f.vconst(spec.alpha))));
    if (spec.bias) {
      const { per, addr, scale = 1 } = spec.bias;
      const off = per === 'row' ? f.shl(f.add(i.get(), r), 2) : per === 'scalar' ? 0 : f.shl(f.add(j.get(), 4 * v), 2);
      const [at, imm] = typeof addr === 'number' ? [off, addr] : [f.add(addr(), off), 0];
      let b = per === 'col' ? f.vload(at, imm) : f.vloadSplat(at, imm);
      if (scale !== 1) b = f.vmul(b, f.vconst(scale));
      e.push(a.set(f.vadd(a.get(), b)));
    }
    if (spec.residual) {
      const res = spec.residual;
      e.push(t.set(f.vload(f.add(res.r(), f.shl(f.add(f.mul(f.add(i.get(), r), rRow()), f.add(j.get(), 4 * v)), 2)))));
      e.push(a.set(f.vadd(a.get(), res.scale !== undefined && res.scale !== 1 ? f.vmul(t.get(), f.vconst(res.scale)) : t.get())));
    }
    const act = spec.activation ?? { kind: 'none' };
    // emitActivation reads only `helper` from the context (shared vector helpers).
    if (act.kind !== 'none') e.push(a.set(emitActivation(spec.ctx, f, act, () => a.get())));
    return e;
  }
}

/** a * b as an i32 (folded when both are numbers). */
function mulI32(fn: FnBuilder, a: I32, b: number): I32 {
  return typeof a === 'number' ? a * b : fn.mul(a, b);
}
