// The direct sliding-window loop (strides 1 and 2, no dilation) shared by depthwise Conv, MaxPool and
// AveragePool: it reads each input plane in place, with no padded copy. Output rows are split into
// border rows (some window rows fall in the pads or past the end: emitted one by one with those taps
// left out) and interior rows, computed `rowsPerPass` at a time so each loaded input row feeds every
// output row that uses it. Within a row, 4-wide output vectors whose taps all read inside the row
// run as a loop of plain loads (stride 2: a few loads deinterleaved once per window row); the
// vectors at the left and right edges are emitted one by one and gather their lanes, pad lanes
// holding the fill value. The caller says how a vector starts, takes a tap and ends.
import { Expr, FnBuilder, I32, Local } from '../../wasm-builder.js';
import { PlaneShape, emitEdgeGather, stride2Row } from './window-core.js';

/** Whether the direct loop handles this geometry (and its window is small enough to unroll). */
export function fitsDirectWindow(s: PlaneShape): boolean {
  return s.dh === 1 && s.dw === 1 && (s.sw === 1 || s.sw === 2) && (s.sh === 1 || s.sh === 2) && s.kh * s.kw <= 49;
}

/** Where the output vector of row r lives: y + byte() + off; planeByte() + off is its byte offset within its output plane. */
export interface VectorAt { byte: () => I32; planeByte: () => I32; off: number }

export interface DirectWindowSpec {
  shape: PlaneShape;
  N: number; C: number;
  /** Byte addresses of the input and output tensors ([N, C, H, W] and [N, C, OH, OW]). */
  x: number; y: number;
  /** Value of the lanes that fall in the pads (0 for sums, -Infinity for max). */
  fill: number;
  /** Interior output rows per pass. */
  rowsPerPass: number;
  /** Statements run once per plane, before its rows. */
  perPlane?(c: Local): Expr[];
  /** Statements starting the accumulator of output row r of a pass. */
  begin(r: number, acc: Local): Expr[];
  /** Statements adding tap (ky, kx)'s vector (a thunk: may be read more than once) to row r's accumulator. */
  tap(r: number, acc: Local, v: () => Expr, ky: number, kx: number): Expr[];
  /** Statements turning row r's accumulator into the vector to store. */
  finish?(r: number, acc: Local, at: VectorAt): Expr[];
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

/** A group of output rows computed together: `rows` rows from `oy` (static for border rows; `base` holds a run-time group's top input row). */
interface RowGroup { oy: number | Local; rows: number; base?: Local }

export function emitDirectWindowKernel(fn: FnBuilder, k: DirectWindowSpec): Expr[] {
  const s = k.shape, R = k.rowsPerPass;
  const n = fn.local('i32'), c = fn.local('i32'), planeIn = fn.local('i32'), planeOut = fn.local('i32');
  const oy = fn.local('i32'), ox = fn.local('i32'), base = fn.local('i32'), p = fn.local('i32'), out = fn.local('i32');
  const accs = Array.from({ length: R }, () => fn.local('v128'));
  const v = fn.local('v128'), loads: Local[] = [], prev: [Local, Local] = [fn.local('v128'), fn.local('v128')];
  const inputRow = (o: number) => o * s.sh - s.pt;

  const vector = (g: RowGroup, seg: Segment): Expr[] => {
    const stmts: Expr[] = [];
    const staticRow = typeof g.oy === 'number' ? inputRow(g.oy) : 0;
    // Tap offsets are static: x, the group's static row and the tap's column; the pointer holds the rest.
    const rowPtr = () => (g.base ? g.base.get() : planeIn.get());
    if (!seg.edge) stmts.push(p.set(fn.add(fn.add(rowPtr(), fn.mul(ox.get(), 4 * s.sw)), -4 * s.pl)));
    for (let r = 0; r < g.rows; r++) stmts.push(...k.begin(r, accs[r]!));
    for (let j = 0; j < (g.rows - 1) * s.sh + s.kh; j++) {
      const users: { r: number; ky: number }[] = [];
      for (let r = 0; r < g.rows; r++) {
        const ky = j - r * s.sh;
        const row = typeof g.oy === 'number' ? inputRow(g.oy + r) + ky : 0;
        if (ky >= 0 && ky < s.kh && row >= 0 && row < s.H) users.push({ r, ky });
      }
      if (!users.length) continue;
      const rowOff = k.x + 4 * (staticRow + j) * s.W;
      const shared = !seg.edge && s.sw === 2 ? stride2Row(fn, p, rowOff, s.kw, loads, prev) : undefined;
      if (shared) stmts.push(...shared.pre);
      for (let kx = 0; kx < s.kw; kx++) {
        const tap = seg.edge
          ? emitEdgeGather(fn, s.W, rowPtr, rowOff, [0, 1, 2, 3].map((l) => (l < seg.lanes ? (seg.ox + l) * s.sw - s.pl + kx : undefined)), k.fill)
          : shared ? shared.load(kx) : fn.vload(p.get(), rowOff + 4 * kx);
        stmts.push(v.set(tap));
        for (const { r, ky } of users) stmts.push(...k.tap(r, accs[r]!, () => v.get(), ky, kx));
      }
    }
    for (let r = 0; r < g.rows; r++) {
      const acc = accs[r]!;
      const off = 4 * (r * s.OW + (seg.edge ? seg.ox : 0));
      const byte = (): I32 => (seg.edge ? out.get() : fn.add(out.get(), fn.shl(ox.get(), 2)));
      const planeByte = (): I32 => fn.add(fn.sub(out.get(), planeOut.get()), seg.edge ? 0 : fn.shl(ox.get(), 2));
      if (k.finish) stmts.push(...k.finish(r, acc, { byte, planeByte, off }));
      if (seg.edge && seg.lanes < 4) for (let l = 0; l < seg.lanes; l++) stmts.push(fn.vstoreLane(byte(), acc.get(), l, k.y + off + 4 * l));
      else stmts.push(fn.vstore(byte(), acc.get(), k.y + off));
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

  // Interior rows [lo, hi): every window row inside the input.
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

  const plane = () => fn.add(fn.mul(n.get(), k.C), c.get());
  return [fn.for(n, 0, k.N, 1, [fn.for(c, 0, k.C, 1, [
    planeIn.set(fn.mul(plane(), 4 * s.H * s.W)),
    planeOut.set(fn.mul(plane(), 4 * s.OH * s.OW)),
    ...(k.perPlane ? k.perPlane(c) : []),
    ...rows,
  ])])];
}
