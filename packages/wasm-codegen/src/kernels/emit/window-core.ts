// The sliding-window loop shared by depthwise Conv, MaxPool and AveragePool on one NCHW plane at a
// time. Each input plane is first copied into a scratch plane whose border (the pads, and the
// ceil_mode overhang) holds a fill value, so the inner loop needs no bounds checks. Four adjacent
// outputs of a row form one f32x4: with stride 1 a tap is one vector load, with stride 2 a shuffle
// of two loads, otherwise a 4-lane gather. Taps are unrolled (loops for very large windows); their
// combination (fma with a weight, max, add) and the final step (bias, divisor, epilogue) come from
// the caller.
import { Node, windowAttrs } from '@onnx2wasm/ir';
import { Expr, FnBuilder, Local } from '../../wasm-builder.js';

/** The window geometry of one 1-D or 2-D op as a 2-D problem (1-D is H = 1). */
export interface PlaneShape {
  H: number; W: number; OH: number; OW: number;
  kh: number; kw: number; sh: number; sw: number; dh: number; dw: number;
  pt: number; pl: number;
  /** Extent of the scratch plane: the padded input, grown to cover ceil_mode windows. */
  Hp: number; Wp: number;
}

/** Reads the IR window attributes of `node` for input dims [N, C, ...] and output dims [N, M, ...]. */
export function planeShape(node: Node, inDims: number[], outDims: number[], kernel: number[]): PlaneShape | undefined {
  const rank = inDims.length - 2;
  if (rank !== 1 && rank !== 2) return undefined;
  const two = (v: number[], fill: number) => (rank === 1 ? [fill, v[0]!] : v);
  const { strides, dilations, pads } = windowAttrs(node);
  const [H, W] = two(inDims.slice(2), 1) as [number, number];
  const [OH, OW] = two(outDims.slice(2), 1) as [number, number];
  const [kh, kw] = two(kernel, 1) as [number, number];
  const [sh, sw] = two(strides, 1) as [number, number];
  const [dh, dw] = two(dilations, 1) as [number, number];
  const [pt, pl] = two(pads.slice(0, rank), 0) as [number, number];
  const [pb, pr] = two(pads.slice(rank), 0) as [number, number];
  const Hp = Math.max(H + pt + pb, (OH - 1) * sh + (kh - 1) * dh + 1);
  const Wp = Math.max(W + pl + pr, (OW - 1) * sw + (kw - 1) * dw + 1);
  return { H, W, OH, OW, kh, kw, sh, sw, dh, dw, pt, pl, Hp, Wp };
}

/**
 * Floats after the last padded plane that the last output vector may read: its garbage lanes run
 * past the row end by up to 3 floats (stride 1), 9 (stride 2: whole vectors shared by a row's taps)
 * or 3 * stride (gather).
 */
function slackFloats(s: PlaneShape): number {
  return 3 * Math.max(2, s.sw) + 4;
}

/** Whether the input can be read in place: no border to add, and stride-1 reads overrun by at most 3 floats. */
export function readsInPlace(s: PlaneShape): boolean {
  return s.Hp === s.H && s.Wp === s.W && s.pt === 0 && s.pl === 0 && s.sw === 1;
}

/** Scratch for `planes` padded planes plus slack, in whole vectors (emitFill writes whole vectors). */
export function paddedPlaneBytes(s: PlaneShape, planes = 1): number {
  return 16 * Math.ceil((planes * s.Hp * s.Wp + slackFloats(s)) / 4);
}

/** Taps are unrolled into straight-line code; beyond this a window kernel is refused rather than bloated. */
export const MAX_UNROLLED_TAPS = 256;

/** Fills `floats` floats at `dst` with `value` (a vector loop; the count is rounded up to whole vectors). */
export function emitFill(fn: FnBuilder, dst: number, floats: number, value: number): Expr[] {
  if (value === 0) return [fn.fill(dst, 0, 4 * floats)];
  const i = fn.local('i32');
  return [fn.for(i, 0, 4 * Math.ceil(floats / 4), 4, [fn.vstore(fn.shl(i.get(), 2), fn.vconst(value), dst)])];
}

/**
 * Copies plane `src` ([H, W] floats) into the interior of the scratch plane `dst` ([Hp, Wp]).
 * The border is left as it is, so filling it once per node is enough.
 */
export function emitCopyIntoPadded(fn: FnBuilder, s: PlaneShape, src: () => Expr, dst: () => Expr): Expr[] {
  if (s.Wp === s.W) return [fn.copy(fn.add(dst(), 4 * s.pt * s.Wp), src(), 4 * s.H * s.W)];
  const iy = fn.local('i32'), ix = fn.local('i32'), from = fn.local('i32'), to = fn.local('i32');
  const full = Math.floor(s.W / 4) * 4;
  const row: Expr[] = [
    from.set(fn.add(src(), fn.mul(iy.get(), 4 * s.W))),
    to.set(fn.add(dst(), fn.add(fn.mul(iy.get(), 4 * s.Wp), 4 * (s.pt * s.Wp + s.pl)))),
    // Whole vectors, then single floats: a vector store past W would overwrite the right border.
    fn.for(ix, 0, full, 4, [fn.vstore(fn.add(to.get(), fn.shl(ix.get(), 2)), fn.vload(fn.add(from.get(), fn.shl(ix.get(), 2))))]),
  ];
  for (let k = full; k < s.W; k++) row.push(fn.storeF32(to.get(), fn.loadF32(from.get(), 4 * k), 4 * k));
  return [fn.for(iy, 0, s.H, 1, row)];
}

/**
 * The f32x4 of tap (ky, kx) for outputs ox..ox+3, where `p` points at input element (oy*sh, ox*sw)
 * of a plane with row length `rowLen`.
 */
export function emitTapLoad(fn: FnBuilder, s: PlaneShape, rowLen: number, p: Local, ky: number, kx: number): Expr {
  const off = 4 * (ky * s.dh * rowLen + kx * s.dw);
  if (s.sw === 1) return fn.vload(p.get(), off);
  if (s.sw === 2) return fn.vshuffle(fn.vload(p.get(), off), fn.vload(p.get(), off + 16), [0, 2, 4, 6]);
  let v = fn.vloadSplat(p.get(), off);
  for (let l = 1; l < 4; l++) v = fn.vreplace(v, l, fn.loadF32(p.get(), off + 4 * l * s.sw));
  return v;
}

/**
 * Stride 2, dilation 1: the tap vectors of one window row from floor((kw + 5) / 4) + 1 loads instead
 * of two per tap. Tap 2m holds floats 2m, 2m+2, 2m+4, 2m+6 and tap 2m+1 the odd ones after it;
 * each is the previous tap of its parity moved down one lane with the next float from a load.
 */
export function stride2Row(fn: FnBuilder, p: Local, rowOff: number, kw: number, loads: Local[], prev: [Local, Local]) {
  const count = Math.floor((kw + 5) / 4) + 1; // the last tap reads float kw - 1 + 6
  while (loads.length < count) loads.push(fn.local('v128'));
  const pre = loads.slice(0, count).map((l, q) => l.set(fn.vload(p.get(), rowOff + 16 * q)));
  const load = (x: number): Expr => {
    const m = x >> 1, odd = x & 1;
    if (m === 0) return prev[odd]!.tee(fn.vshuffle(loads[0]!.get(), loads[1]!.get(), odd ? [1, 3, 5, 7] : [0, 2, 4, 6]));
    const f = 2 * m + 6 + odd;
    return prev[odd]!.tee(fn.vshuffle(prev[odd]!.get(), loads[f >> 2]!.get(), [1, 2, 3, 4 + (f & 3)]));
  };
  return { pre, load };
}

/**
 * The f32x4 of input columns `cols` (one per lane) of the row at byte `off` from `ptr()`, for a row of
 * W floats: lanes whose column is outside [0, W) get `fill`, undefined lanes (outputs past the row
 * end) anything. The columns read span at most 8; one or two vector loads cover them, ending at the
 * last column read where possible so the reads stay inside the row (they overrun its end by at most
 * 3 floats).
 */
export function emitEdgeGather(fn: FnBuilder, W: number, ptr: () => Expr, off: number, cols: (number | undefined)[], fill: number): Expr {
  const inRow = (c: number | undefined) => c !== undefined && c >= 0 && c < W;
  const used = cols.filter(inRow) as number[];
  const padded = cols.map((c) => c !== undefined && !inRow(c));
  const anyPad = padded.some((p) => p);
  if (!used.length) return fn.vconst(fill);
  // Consecutive columns and no pad lane: one plain load from the first lane's column.
  const start = cols.findIndex(inRow);
  const first = cols[start]! - start;
  if (!anyPad && first >= 0 && cols.every((c, l) => !inRow(c) || c === first + l)) return fn.vload(ptr(), off + 4 * first);
  const lo = Math.min(...used), hi = Math.max(...used);
  if (hi - lo > 7) throw new Error(`edge gather over ${hi - lo + 1} columns`);
  const two = hi - lo > 3;
  const a = Math.max(0, hi - (two ? 7 : 3));
  const pick = cols.map((c) => (inRow(c) ? c! - a : -1)) as [number, number, number, number];
  const load = fn.vload(ptr(), off + 4 * a);
  if (!two) return fn.vshuffle(load, fn.vconst(fill), pick.map((c, l) => (c >= 0 ? c : padded[l] ? 4 : l)) as [number, number, number, number]);
  const both = fn.vshuffle(load, fn.vload(ptr(), off + 4 * (a + 4)), pick.map((c) => Math.max(c, 0)) as [number, number, number, number]);
  if (!anyPad) return both;
  return fn.vshuffle(both, fn.vconst(fill), padded.map((p, l) => (p ? 4 : l)) as [number, number, number, number]);
}

export interface WindowKernelSpec {
  shape: PlaneShape;
  /** Batch and channel counts: one plane per (n, c). */
  N: number; C: number;
  /** Byte addresses of the input and output tensors ([N, C, H, W] and [N, C, OH, OW]). */
  x: number; y: number;
  /** Value of the border (0 for sums, -Infinity for max). */
  fill: number;
  scratch: number;
  /** Statements run once per plane, before its rows (e.g. loading the channel's weights into locals). */
  perPlane?(c: Local): Expr[];
  /** Start value of the accumulator when the taps run as loops (windows of more than MAX_UNROLLED_TAPS); without it such windows are refused. */
  identity?: number;
  /** Combines tap (ky, kx)'s vector (a thunk: it may be read twice) into the accumulator (undefined for the first tap). */
  tap(acc: Expr | undefined, v: () => Expr, ky: number, kx: number): Expr;
  /** A statement run after each tap (e.g. MaxPool's NaN mask); `first` for the first tap of a window. */
  sideTap?(v: () => Expr, first: boolean): Expr;
  /** Statements turning the accumulator into the vector to store for outputs (oy, ox..ox+3); `outOffset` is their element offset in y. */
  finish?(acc: Local, at: { c: Local; oy: Local; ox: Local; outOffset: Local }): Expr[];
}

/** Emits the whole kernel: for each plane, copy (unless read in place), then rows of 4-wide output vectors. */
export function emitWindowKernel(fn: FnBuilder, k: WindowKernelSpec): Expr[] {
  const s = k.shape;
  const inPlace = readsInPlace(s);
  const rowLen = inPlace ? s.W : s.Wp;
  const n = fn.local('i32'), c = fn.local('i32'), plane = fn.local('i32');
  const oy = fn.local('i32'), ox = fn.local('i32');
  const rowPtr = fn.local('i32'), p = fn.local('i32'), outOffset = fn.local('i32'), acc = fn.local('v128');
  const planeIn = () => fn.add(fn.mul(plane.get(), 4 * s.H * s.W), k.x);

  const unrolled = s.kh * s.kw <= MAX_UNROLLED_TAPS;
  if (!unrolled && k.identity === undefined) throw new Error(`a ${s.kh}x${s.kw} window needs an identity to run its taps as loops`);
  const ky = fn.local('i32'), kx = fn.local('i32'), q = fn.local('i32'), r = fn.local('i32'), v = fn.local('v128');
  const rowLoads: Local[] = [], rowPrev: [Local, Local] = [fn.local('v128'), fn.local('v128')];
  // One tap: its vector into a local (the combination may read it twice), then into the accumulator.
  const tap = (load: Expr, first: boolean, y: number, x: number): Expr[] => [
    v.set(load),
    acc.set(k.tap(first ? undefined : acc.get(), () => v.get(), y, x)),
    ...(k.sideTap ? [k.sideTap(() => v.get(), first)] : []),
  ];
  const taps = (): Expr[] => {
    if (unrolled) {
      const stmts: Expr[] = [];
      for (let y = 0; y < s.kh; y++) {
        const shared = s.sw === 2 && s.dw === 1 && s.kw > 1 ? stride2Row(fn, p, 4 * y * s.dh * rowLen, s.kw, rowLoads, rowPrev) : undefined;
        if (shared) stmts.push(...shared.pre);
        for (let x = 0; x < s.kw; x++) stmts.push(...tap(shared ? shared.load(x) : emitTapLoad(fn, s, rowLen, p, y, x), y === 0 && x === 0, y, x));
      }
      return stmts;
    }
    // Large windows: rows of taps as a loop (starting from the identity); the taps of a row unrolled while they fit.
    const row: Expr[] = [q.set(fn.add(p.get(), fn.mul(ky.get(), 4 * s.dh * rowLen)))];
    if (s.kw <= MAX_UNROLLED_TAPS) {
      for (let x = 0; x < s.kw; x++) row.push(...tap(emitTapLoad(fn, s, rowLen, q, 0, x), false, 0, x));
    } else {
      row.push(fn.for(kx, 0, s.kw, 1, [r.set(fn.add(q.get(), fn.mul(kx.get(), 4 * s.dw))), ...tap(emitTapLoad(fn, s, rowLen, r, 0, 0), false, 0, 0)]));
    }
    const start = k.sideTap ? [k.sideTap(() => fn.vconst(k.identity!), true)] : [];
    return [acc.set(fn.vconst(k.identity!)), ...start, fn.for(ky, 0, s.kh, 1, row)];
  };

  const vector = (lanes: number): Expr[] => {
    const stmts = [
      p.set(fn.add(rowPtr.get(), fn.mul(ox.get(), 4 * s.sw))),
      ...taps(),
      ...(k.finish ? k.finish(acc, { c, oy, ox, outOffset }) : []),
    ];
    const at = () => fn.shl(outOffset.get(), 2);
    if (lanes === 4) stmts.push(fn.vstore(at(), acc.get(), k.y));
    else for (let l = 0; l < lanes; l++) stmts.push(fn.vstoreLane(at(), acc.get(), l, k.y + 4 * l));
    return stmts;
  };

  const full = Math.floor(s.OW / 4) * 4;
  const rows: Expr[] = [
    rowPtr.set(inPlace ? fn.add(planeIn(), fn.mul(oy.get(), 4 * s.sh * s.W)) : fn.add(fn.mul(oy.get(), 4 * s.sh * s.Wp), k.scratch)),
    fn.for(ox, 0, full, 4, [outOffset.set(fn.add(fn.mul(fn.add(fn.mul(plane.get(), s.OH), oy.get()), s.OW), ox.get())), ...vector(4)]),
  ];
  if (full < s.OW) {
    rows.push(ox.set(fn.i(full)));
    rows.push(outOffset.set(fn.add(fn.mul(fn.add(fn.mul(plane.get(), s.OH), oy.get()), s.OW), full)));
    rows.push(...vector(s.OW - full));
  }
  const perPlane: Expr[] = [
    plane.set(fn.add(fn.mul(n.get(), k.C), c.get())),
    ...(inPlace ? [] : emitCopyIntoPadded(fn, s, planeIn, () => fn.i(k.scratch))),
    ...(k.perPlane ? k.perPlane(c) : []),
    fn.for(oy, 0, s.OH, 1, rows),
  ];
  return [
    ...(inPlace ? [] : emitFill(fn, k.scratch, s.Hp * s.Wp + slackFloats(s), k.fill)),
    fn.for(n, 0, k.N, 1, [fn.for(c, 0, k.C, 1, perPlane)]),
  ];
}
