// Depthwise Conv (group == C == M: one filter per channel). Strides 1 and 2 without dilation take
// the direct kernel below; other geometries the shared sliding-window loop of window-core.ts.
//
// The direct kernel reads the input plane in place (no padded copy). Output rows are split into
// border rows (some kernel rows fall in the pads: emitted one by one with those taps left out) and
// interior rows, computed ROWS at a time so each loaded input row feeds every output row that
// uses it. Within a row, 4-wide output vectors whose taps all read inside the row run as a loop
// of plain loads (stride 2: a few loads deinterleaved once per kernel row); the vectors at the
// left and right edges are emitted one by one and gather their lanes with the pads as zeros. Each
// vector starts from the bias, takes one fma per tap, and its epilogue (residual, activation)
// runs in registers before the store.
import { readActivation } from '@onnx2wasm/ir';
import { LowerContext, Operand } from '../lowering.js';
import { Expr, I32, Local } from '../wasm-builder.js';
import { emitActivation } from './activation.js';
import { PlaneShape, emitEdgeGather, emitWindowKernel, stride2Row } from './window-core.js';

/** Taps kept in v128 locals; larger kernels splat each weight from memory at its use. */
const TAPS_IN_LOCALS = 49;

/** Interior output rows computed per pass of the direct kernel, by row stride. */
const ROWS: Record<number, number> = { 1: 3, 2: 2 };

export function lowerDepthwiseConv(ctx: LowerContext, shape: PlaneShape, x: Operand, w: Operand, bias: Operand | undefined, residual: Operand | undefined, y: Operand): Expr[] {
  const s = shape;
  if (s.dh === 1 && s.dw === 1 && (s.sw === 1 || s.sw === 2) && ROWS[s.sh] && s.kh * s.kw <= TAPS_IN_LOCALS) {
    return lowerDirect(ctx, s, x, w, bias, residual, y);
  }
  return lowerWindowed(ctx, s, x, w, bias, residual, y);
}

/** A group of output rows computed together: `rows` rows from `oy`, static for border rows. */
interface RowGroup {
  oy: number | Local;
  rows: number;
  /** Byte offset of the group's top input row (oy * sh - pt) from the plane, when it is run-time. */
  base?: Local;
}

/** Output vectors of one row: static edge vectors, and runs of full interior vectors. */
type Segment = { edge: true; ox: number; lanes: number } | { edge: false; from: number; to: number };

function segmentsOf(s: PlaneShape): Segment[] {
  const inside = (ox: number) => ox + 4 <= s.OW && ox * s.sw - s.pl >= 0 && (ox + 3) * s.sw - s.pl + s.kw - 1 <= s.W - 1;
  const segs: Segment[] = [];
  for (let ox = 0; ox < s.OW;) {
    if (!inside(ox)) { segs.push({ edge: true, ox, lanes: Math.min(4, s.OW - ox) }); ox += 4; continue; }
    const from = ox;
    while (inside(ox)) ox += 4;
    segs.push({ edge: false, from, to: ox });
  }
  return segs;
}

function lowerDirect(ctx: LowerContext, s: PlaneShape, x: Operand, w: Operand, bias: Operand | undefined, residual: Operand | undefined, y: Operand): Expr[] {
  const { fn } = ctx;
  const [N, C] = x.dims as [number, number];
  const taps = s.kh * s.kw, R = ROWS[s.sh]!;
  const act = readActivation(ctx.node);
  const weights = Array.from({ length: taps }, () => fn.local('v128'));
  const n = fn.local('i32'), c = fn.local('i32'), planeIn = fn.local('i32'), planeOut = fn.local('i32');
  const oy = fn.local('i32'), ox = fn.local('i32'), base = fn.local('i32'), p = fn.local('i32'), out = fn.local('i32');
  const accs = Array.from({ length: R }, () => fn.local('v128'));
  const v = fn.local('v128'), loads: Local[] = [], prev: [Local, Local] = [fn.local('v128'), fn.local('v128')];
  const inputRow = (o: number) => o * s.sh - s.pt;
  const validTap = (row: number, ky: number) => row + ky >= 0 && row + ky < s.H;

  /** One output vector (static `at` for edge vectors, else the run-time ox) for every row of the group. */
  const vector = (g: RowGroup, seg: Segment): Expr[] => {
    const stmts: Expr[] = [];
    const staticRow = typeof g.oy === 'number' ? inputRow(g.oy) : 0;
    // Byte pointer the tap offsets are taken from: the plane (+ group row) (+ left column of the vector's windows).
    const rowPtr = () => (g.base ? g.base.get() : planeIn.get());
    if (!seg.edge) stmts.push(p.set(fn.add(fn.add(rowPtr(), fn.mul(ox.get(), 4 * s.sw)), -4 * s.pl)));
    for (let r = 0; r < g.rows; r++) stmts.push(accs[r]!.set(bias ? fn.vloadSplat(fn.shl(c.get(), 2), bias.addr) : fn.vconst(0)));
    for (let j = 0; j < (g.rows - 1) * s.sh + s.kh; j++) {
      const users: { r: number; ky: number }[] = [];
      for (let r = 0; r < g.rows; r++) {
        const ky = j - r * s.sh;
        if (ky >= 0 && ky < s.kh && (typeof g.oy !== 'number' || validTap(inputRow(g.oy + r), ky))) users.push({ r, ky });
      }
      if (!users.length) continue;
      const rowOff = x.addr + 4 * (staticRow + j) * s.W;
      const shared = !seg.edge && s.sw === 2 ? stride2Row(fn, p, rowOff, s.kw, loads, prev) : undefined;
      if (shared) stmts.push(...shared.pre);
      for (let kx = 0; kx < s.kw; kx++) {
        const tap = seg.edge
          ? emitEdgeGather(fn, s.W, rowPtr, rowOff, [0, 1, 2, 3].map((l) => (l < seg.lanes ? (seg.ox + l) * s.sw - s.pl + kx : undefined)), 0)
          : shared ? shared.load(kx) : fn.vload(p.get(), rowOff + 4 * kx);
        const many = users.length > 1;
        if (many) stmts.push(v.set(tap));
        for (const { r, ky } of users) stmts.push(accs[r]!.set(fn.fma(many ? v.get() : tap, weights[ky * s.kw + kx]!.get(), accs[r]!.get())));
      }
    }
    for (let r = 0; r < g.rows; r++) {
      const acc = accs[r]!;
      const at = (): I32 => (seg.edge ? out.get() : fn.add(out.get(), fn.shl(ox.get(), 2)));
      const off = 4 * (r * s.OW + (seg.edge ? seg.ox : 0));
      if (residual) stmts.push(acc.set(fn.vadd(acc.get(), fn.vload(at(), residual.addr + off))));
      if (act) stmts.push(acc.set(emitActivation(ctx, fn, act, () => acc.get())));
      if (seg.edge && seg.lanes < 4) for (let l = 0; l < seg.lanes; l++) stmts.push(fn.vstoreLane(at(), acc.get(), l, y.addr + off + 4 * l));
      else stmts.push(fn.vstore(at(), acc.get(), y.addr + off));
    }
    return stmts;
  };

  const group = (g: RowGroup): Expr[] => {
    const oyOf = (): I32 => (typeof g.oy === 'number' ? g.oy : g.oy.get());
    const stmts: Expr[] = [out.set(fn.add(planeOut.get(), fn.mul(oyOf(), 4 * s.OW)))];
    if (g.base) stmts.push(g.base.set(fn.add(planeIn.get(), fn.mul(fn.add(fn.mul(oyOf(), s.sh), -s.pt), 4 * s.W))));
    for (const seg of segmentsOf(s)) stmts.push(...(seg.edge ? vector(g, seg) : [fn.for(ox, seg.from, seg.to, 4, vector(g, seg))]));
    return stmts;
  };

  // Interior rows [lo, hi): every kernel row inside the input.
  let lo = 0;
  while (lo < s.OH && inputRow(lo) < 0) lo++;
  let hi = lo;
  while (hi < s.OH && inputRow(hi) + s.kh - 1 < s.H) hi++;
  const passes = Math.floor((hi - lo) / R);
  const rows: Expr[] = [];
  for (let o = 0; o < lo; o++) rows.push(...group({ oy: o, rows: 1 }));
  if (passes > 0) rows.push(fn.for(oy, lo, lo + passes * R, R, group({ oy, rows: R, base })));
  if (lo + passes * R < hi) rows.push(...group({ oy: lo + passes * R, rows: hi - lo - passes * R }));
  for (let o = Math.max(hi, lo); o < s.OH; o++) rows.push(...group({ oy: o, rows: 1 }));

  const perPlane: Expr[] = [
    planeIn.set(fn.mul(fn.add(fn.mul(n.get(), C), c.get()), 4 * s.H * s.W)),
    planeOut.set(fn.mul(fn.add(fn.mul(n.get(), C), c.get()), 4 * s.OH * s.OW)),
    ...weights.map((l, t) => l.set(fn.vloadSplat(fn.mul(c.get(), 4 * taps), w.addr + 4 * t))),
    ...rows,
  ];
  return [fn.for(n, 0, N, 1, [fn.for(c, 0, C, 1, perPlane)])];
}

/** Other geometries: the padded-copy sliding-window loop, taps in locals, the same epilogue. */
function lowerWindowed(ctx: LowerContext, shape: PlaneShape, x: Operand, w: Operand, bias: Operand | undefined, residual: Operand | undefined, y: Operand): Expr[] {
  const { fn } = ctx;
  const [N, C] = x.dims as [number, number];
  const taps = shape.kh * shape.kw;
  const inLocals = taps <= TAPS_IN_LOCALS;
  const weights: Local[] = inLocals ? Array.from({ length: taps }, () => fn.local('v128')) : [];
  const biasV = fn.local('v128');
  const chan = fn.local('i32');
  const act = readActivation(ctx.node);
  const weight = (t: number) => (inLocals ? weights[t]!.get() : fn.vloadSplat(fn.mul(chan.get(), 4 * taps), w.addr + 4 * t));
  return emitWindowKernel(fn, {
    shape, N, C, x: x.addr, y: y.addr, fill: 0, scratch: ctx.scratch,
    perPlane: (c) => [
      chan.set(c.get()),
      ...weights.map((l, t) => l.set(fn.vloadSplat(fn.mul(c.get(), 4 * taps), w.addr + 4 * t))),
      ...(bias ? [biasV.set(fn.vloadSplat(fn.shl(c.get(), 2), bias.addr))] : []),
    ],
    tap: (acc, v, ky, kx) => {
      const t = ky * shape.kw + kx;
      if (acc) return fn.fma(v(), weight(t), acc);
      return bias ? fn.fma(v(), weight(t), biasV.get()) : fn.vmul(v(), weight(t));
    },
    finish: (acc, at) => [
      ...(residual ? [acc.set(fn.vadd(acc.get(), fn.vload(fn.shl(at.outOffset.get(), 2), residual.addr)))] : []),
      ...(act ? [acc.set(emitActivation(ctx, fn, act, () => acc.get()))] : []),
    ],
  });
}
