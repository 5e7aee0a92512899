// Resize with scales, sizes or roi read at run time, in linear, cubic (cubic_coeff_a,
// exclude_outside), antialias and tf_crop_and_resize modes (nearest with a crop too): the run-time
// counterpart of the compile-time taps of resize-taps.ts, following the same definition. The output
// dims come from resize-values.ts. Per resized axis, the tap count n is fixed by the scale
// (2 linear, 4 cubic, 2·ceil(radius / scale) with antialias when downsampling, 1 nearest); per
// output position of the axis (computed once, in that axis's output loop), the input coordinate,
// the first tap and the normalization of the weights (and, with a fixed tap count, each tap's
// weight and offset); per element, nested loops over the taps of the resized axes sum weight
// products times the input element (indices clamped into the input, zero weights skipped).
// Scalar f64 code: constant scales keep the faster table-driven kernel of ops/resize.ts.
import { resizeAttrs } from '@onnx2wasm/ir';
import { LowerContext } from '../../lowering.js';
import { Expr, Local } from '../../wasm-builder.js';
import { byteStrides } from './value-shaped.js';
import { AxisRoi, F, f64, inLength, mapCoordinate, resizeDimsByValues, roundNearest } from './resize-values.js';

/** The locals of one resized axis. */
interface AxisState {
  len: Local; last: Local; stretch: Local; n: Local; o: Local; xo: Local; first: Local; norm: Local; roi?: AxisRoi;
  /** With a fixed tap count: each tap's weight and clamped byte offset for the current position. */
  w: Local[]; off: Local[];
}

export function resizeInterpolateByValues(ctx: LowerContext): Expr[] {
  const { fn, node } = ctx;
  const x = ctx.inputs[0]!, roiIn = ctx.inputs[3], y = ctx.outputs[0]!;
  const rank = y.shape.length;
  const opts = resizeAttrs(node);
  const crop = opts.coordinateMode === 'tf_crop_and_resize', nearest = opts.mode === 'nearest';
  const normalized = !nearest && (opts.antialias || opts.excludeOutside);
  const extrapolation = opts.extrapolationValue;
  const { stmts, scale, dims, axes } = resizeDimsByValues(ctx);
  const out = [...stmts];
  const strides = byteStrides(fn, x, 4);
  const resized = [...axes].sort((a, b) => a - b);
  const state = new Map<number, AxisState>();
  const radius = opts.mode === 'cubic' ? 2 : 1;
  // Without antialias the tap count is fixed (1, 2 or 4): the weights and offsets of a position are
  // then computed once, in its axis's output loop, and the taps unrolled while that stays small.
  const fixed = opts.antialias ? 0 : nearest ? 1 : 2 * radius;
  const cached = fixed > 0 && fixed ** resized.length <= 256;

  for (const a of resized) {
    const s: AxisState = {
      len: fn.local('f64'), last: fn.local('i32'), stretch: fn.local('f64'), n: fn.local('i32'),
      o: fn.local('f64'), xo: fn.local('f64'), first: fn.local('i32'), norm: fn.local('f64'),
      w: cached ? Array.from({ length: fixed }, () => fn.local('f64')) : [],
      off: cached ? Array.from({ length: fixed }, () => fn.local('i32')) : [],
    };
    state.set(a, s);
    out.push(s.len.set(inLength(ctx, a)), s.last.set(fn.sub(fn.i(x.dim(a)), 1)));
    out.push(s.stretch.set(opts.antialias ? F(fn, 'min', scale[a]!.get(), f64(fn, 1)) : f64(fn, 1)));
    out.push(s.n.set(nearest ? fn.i(1) : fn.mul(fn.num('i32', 'trunc_s_sat.f64', F(fn, 'ceil', F(fn, 'div', f64(fn, radius), s.stretch.get()))), 2)));
    if (crop) {
      // The roi lists the starts then the ends of the listed axes, in the order of `axes`.
      const k = axes.indexOf(a), roi = { start: fn.local('f64'), end: fn.local('f64') };
      out.push(
        roi.start.set(roiIn ? F(fn, 'promote', fn.loadF32(roiIn.addr(), 4 * k)) : f64(fn, 0)),
        roi.end.set(roiIn ? F(fn, 'promote', fn.loadF32(roiIn.addr(), 4 * (axes.length + k))) : f64(fn, 1)),
      );
      s.roi = roi;
    }
  }

  /** The weight (f64) of input index `i` (i32 local) for the current output position of axis `a`, before normalization. */
  const rawWeight = (s: AxisState, i: Local): Expr => {
    if (nearest) return f64(fn, 1);
    const t = fn.local('f64');
    const dist = F(fn, 'abs', F(fn, 'mul', F(fn, 'sub', F(fn, 'convert_s.i32', i.get()), s.xo.get()), s.stretch.get()));
    let w: Expr;
    if (opts.mode === 'linear') {
      w = F(fn, 'max', f64(fn, 0), F(fn, 'sub', f64(fn, 1), t.get()));
    } else {
      const A = opts.cubicA;
      const t2 = () => F(fn, 'mul', t.get(), t.get()), t3 = () => F(fn, 'mul', t2(), t.get());
      const near = F(fn, 'add', F(fn, 'sub', F(fn, 'mul', f64(fn, A + 2), t3()), F(fn, 'mul', f64(fn, A + 3), t2())), f64(fn, 1));
      const far = F(fn, 'sub', F(fn, 'add', F(fn, 'sub', F(fn, 'mul', f64(fn, A), t3()), F(fn, 'mul', f64(fn, 5 * A), t2())), F(fn, 'mul', f64(fn, 8 * A), t.get())), f64(fn, 4 * A));
      w = fn.select(F(fn, 'le', t.get(), f64(fn, 1)), near, fn.select(F(fn, 'lt', t.get(), f64(fn, 2)), far, f64(fn, 0)));
    }
    if (opts.excludeOutside) w = fn.select(fn.and(fn.geS(i.get(), 0), fn.leS(i.get(), s.last.get())), w, f64(fn, 0));
    return fn.valueBlock([t.set(dist), w], 'f64');
  };

  /** Per output position of axis `a`: the input coordinate, the first tap and the weights' normalization. */
  const position = (a: number, o: Local): Expr[] => {
    const s = state.get(a)!;
    const stmts: Expr[] = [s.o.set(F(fn, 'convert_s.i32', o.get())), s.xo.set(mapCoordinate(fn, s.o, s.len, scale[a]!, dims[a]!, opts.coordinateMode, s.roi))];
    if (nearest) {
      stmts.push(s.first.set(fn.num('i32', 'trunc_s_sat.f64', roundNearest(fn, s.xo, opts.nearestMode, scale[a]!))));
    } else {
      // Left neighbour of the middle pair: ceil(x) - 1 (x - 1 when x is integral); n / 2 - 1 more to the left.
      stmts.push(s.first.set(fn.sub(fn.sub(fn.num('i32', 'trunc_s_sat.f64', F(fn, 'ceil', s.xo.get())), 1), fn.sub(fn.num('i32', 'shr_s', s.n.get(), fn.i(1)), 1))));
    }
    if (normalized) {
      const k = fn.local('i32'), i = fn.local('i32');
      stmts.push(s.norm.set(f64(fn, 0)), fn.for(k, 0, s.n.get(), 1, [
        i.set(fn.add(s.first.get(), k.get())),
        s.norm.set(F(fn, 'add', s.norm.get(), rawWeight(s, i))),
      ]), s.norm.set(F(fn, 'div', f64(fn, 1), s.norm.get())));
    }
    if (cached) {
      const i = fn.local('i32');
      s.w.forEach((w, k) => stmts.push(
        i.set(fn.add(s.first.get(), k)),
        w.set(normalized ? F(fn, 'mul', rawWeight(s, i), s.norm.get()) : rawWeight(s, i)),
        s.off[k]!.set(fn.mul(clampIndex(s, i), strides[a]!())),
      ));
    }
    return stmts;
  };
  const clampIndex = (s: AxisState, i: Local): Expr => fn.selectI(fn.ltS(i.get(), 0), 0, fn.selectI(fn.gtS(i.get(), s.last.get()), s.last.get(), i.get()));

  const acc = fn.local('f64'), p = fn.local('i32');
  /** Sum over the taps of resized axes r.. of weight · x at byte offset `off`. */
  const taps = (r: number, off: () => Expr, w: (() => Expr) | undefined): Expr[] => {
    if (r === resized.length) {
      const v = F(fn, 'promote', fn.loadF32(fn.add(x.addr(), off())));
      return [acc.set(F(fn, 'add', acc.get(), w ? F(fn, 'mul', w(), v) : v))];
    }
    const a = resized[r]!, s = state.get(a)!;
    const k = fn.local('i32'), i = fn.local('i32'), wk = fn.local('f64'), offK = fn.local('i32');
    if (cached) {
      return s.w.flatMap((wl, j) => [
        wk.set(w ? F(fn, 'mul', w(), wl.get()) : wl.get()),
        fn.if(F(fn, 'ne', wk.get(), f64(fn, 0)), [offK.set(fn.add(off(), s.off[j]!.get())), ...taps(r + 1, () => offK.get(), () => wk.get())]),
      ]);
    }
    const own = normalized ? F(fn, 'mul', rawWeight(s, i), s.norm.get()) : rawWeight(s, i);
    return [fn.for(k, 0, s.n.get(), 1, [
      i.set(fn.add(s.first.get(), k.get())),
      wk.set(w ? F(fn, 'mul', w(), own) : own),
      fn.if(F(fn, 'ne', wk.get(), f64(fn, 0)), [
        offK.set(fn.add(off(), fn.mul(clampIndex(s, i), strides[a]!()))),
        ...taps(r + 1, () => offK.get(), () => wk.get()),
      ]),
    ])];
  };

  // Output loops in order; `base` carries the input offset of the unresized axes, `ok` whether
  // every resized axis so far maps inside the input (tf_crop_and_resize).
  const idx = dims.map(() => fn.local('i32')), base = dims.map(() => fn.local('i32')), ok = dims.map(() => fn.local('i32'));
  const level = (d: number): Expr[] => {
    if (d === rank) {
      const sum = [acc.set(f64(fn, 0)), ...taps(0, () => (rank ? base[rank - 1]!.get() : fn.i(0)), undefined)];
      const store = (v: Expr) => [fn.storeF32(p.get(), v), p.set(fn.add(p.get(), 4))];
      if (!crop || rank === 0) return [...sum, ...store(fn.num('f32', 'demote', acc.get()))];
      return [fn.if(ok[rank - 1]!.get(), [...sum, ...store(fn.num('f32', 'demote', acc.get()))], store(fn.f32(extrapolation)))];
    }
    const prevBase = () => (d === 0 ? fn.i(0) : base[d - 1]!.get()), prevOk = () => (d === 0 ? fn.i(1) : ok[d - 1]!.get());
    const body: Expr[] = [];
    if (state.has(d)) {
      const s = state.get(d)!;
      body.push(base[d]!.set(prevBase()), ...position(d, idx[d]!));
      if (crop) body.push(ok[d]!.set(fn.and(prevOk(), fn.and(F(fn, 'ge', s.xo.get(), f64(fn, 0)), F(fn, 'le', s.xo.get(), F(fn, 'sub', s.len.get(), f64(fn, 1)))))));
    } else {
      body.push(base[d]!.set(fn.add(prevBase(), fn.mul(idx[d]!.get(), strides[d]!()))));
      if (crop) body.push(ok[d]!.set(prevOk()));
    }
    return [fn.for(idx[d]!, 0, dims[d]!.get(), 1, [...body, ...level(d + 1)])];
  };
  out.push(p.set(fn.i(y.addr())), ...level(0));
  return out;
}
