// Resize with scales or sizes (and roi) read at run time (IR Resize(X, scales, sizes, roi), see
// the IR op): the output dims of the listed axes are computed and published like the other
// value-shaped ops (value-shaped.ts), and each output position is mapped into the input in f64 at
// run time, as resize-taps.ts does at compile time for constant scales. This file holds the dims,
// the coordinate mapping and the nearest kernel (the source index of each output position:
// `nearest_mode` rounding, clamped into the input); resize-interpolate.ts the linear / cubic /
// antialias / tf_crop_and_resize kernel.
import { DTYPE_BYTES, resizeAttrs } from '@onnx2wasm/ir';
import { LowerContext } from '../../lowering.js';
import { Expr, FnBuilder, Local, type NumOp } from '../../wasm-builder.js';
import { copyElement } from './strided-loops.js';
import { AxisMap, byteStrides, intAt, mappedCopy, publishDims } from './value-shaped.js';

export const F = (fn: FnBuilder, op: NumOp<'f64'>, ...a: Expr[]) => fn.num('f64', op, ...a);
export const f64 = (fn: FnBuilder, v: number) => fn.constOf('f64', v);

/** The per-axis scale (f64) and output dim (i32) locals of a run-time Resize, and the code that computes and publishes them. */
export interface ResizeDims { stmts: Expr[]; scale: Local[]; dims: Local[]; axes: number[] }

/** The input length of axis `a` as an f64. */
export const inLength = (ctx: LowerContext, a: number): Expr => F(ctx.fn, 'convert_s.i32', ctx.fn.i(ctx.inputs[0]!.dim(a)));

/**
 * Computes the scale and output dim of every axis from the scales or sizes values (unlisted axes:
 * scale 1, the input dim) and publishes the dims; a scale that is not positive (or NaN) or a dim
 * past 2^30 stops the run (the runtime's typed error names the node).
 */
export function resizeDimsByValues(ctx: LowerContext): ResizeDims {
  const { fn, node } = ctx;
  const [x, scalesIn, sizesIn] = ctx.inputs;
  // Only a Resize with run-time scales or sizes comes here: its record has the axes and the policy.
  const { axes, keepAspectRatioPolicy: policy } = resizeAttrs(node).runTime!;
  const inLen = (a: number) => inLength(ctx, a);
  const scale = x!.shape.map(() => fn.local('f64')), dims = x!.shape.map(() => fn.local('i32'));
  const ratio = axes.map(() => fn.local('f64')), common = fn.local('f64'), bad = fn.local('i32');
  const out: Expr[] = [bad.set(fn.i(0))];
  x!.shape.forEach((_, a) => out.push(scale[a]!.set(f64(fn, 1)), dims[a]!.set(fn.i(x!.dim(a)))));
  // Dims past 2^30 are refused as negative (the kernels compute with i32 positions).
  const toDim = (v: Expr, l: Local): Expr[] => {
    const t = fn.local('f64');
    return [t.set(v), l.set(fn.selectI(F(fn, 'lt', t.get(), f64(fn, 2 ** 30)), fn.num('i32', 'trunc_s_sat.f64', t.get()), -1))];
  };
  if (sizesIn) {
    axes.forEach((a, k) => out.push(ratio[k]!.set(F(fn, 'div', F(fn, 'convert_s.i64', intAt(fn, sizesIn, k)), inLen(a)))));
    if (policy === 'stretch') {
      axes.forEach((a, k) => out.push(scale[a]!.set(ratio[k]!.get()), dims[a]!.set(fn.num('i32', 'wrap', clampSize(fn, intAt(fn, sizesIn, k))))));
    } else {
      out.push(common.set(ratio.slice(1).reduce<Expr>((m, r) => F(fn, policy === 'not_larger' ? 'min' : 'max', m, r.get()), ratio[0]!.get())));
      axes.forEach((a) => out.push(scale[a]!.set(common.get()), ...toDim(F(fn, 'floor', F(fn, 'add', F(fn, 'mul', common.get(), inLen(a)), f64(fn, 0.5))), dims[a]!)));
    }
  } else {
    axes.forEach((a, k) => out.push(
      scale[a]!.set(F(fn, 'promote', fn.loadF32(scalesIn!.addr(), 4 * k))),
      ...toDim(F(fn, 'floor', F(fn, 'mul', scale[a]!.get(), inLen(a))), dims[a]!),
    ));
  }
  // A scale that is not positive (or NaN) gives no resizing.
  axes.forEach((a) => out.push(bad.set(fn.or(bad.get(), fn.eqz(F(fn, 'gt', scale[a]!.get(), f64(fn, 0)))))));
  out.push(...publishDims(ctx, dims, bad));
  return { stmts: out, scale, dims, axes };
}

export function resizeNearestByValues(ctx: LowerContext): Expr[] {
  const { fn, node } = ctx;
  const x = ctx.inputs[0]!;
  const y = ctx.outputs[0]!, rank = y.shape.length;
  const { coordinateMode: coord, nearestMode: nearest } = resizeAttrs(node);
  const { stmts, scale, dims, axes } = resizeDimsByValues(ctx);
  const out = [...stmts];
  const elem = DTYPE_BYTES[x.dtype], strides = byteStrides(fn, x, elem);
  const maps: AxisMap[] = x.shape.map((_, a) => {
    if (!axes.includes(a)) return { index: (i) => i(), stride: strides[a]! };
    return { index: (i) => sourceIndex(fn, F(fn, 'convert_s.i32', i()), inLength(ctx, a), scale[a]!, dims[a]!, coord, nearest), stride: strides[a]! };
  });
  out.push(...mappedCopy(fn, elem, dims.slice(0, rank), () => y.addr(), () => x.addr(), maps, (d, s) => copyElement(fn, x.dtype, d, s)));
  return out;
}

/** A size from the values, kept within [-1, 2^30] (negative ones are refused when published). */
function clampSize(fn: FnBuilder, v: Expr): Expr {
  const t = fn.local('i64');
  const c = (n: number) => fn.constOf('i64', n);
  return fn.valueBlock([
    t.set(v),
    fn.select(fn.num('i64', 'lt_s', t.get(), c(0)), c(-1), fn.select(fn.num('i64', 'gt_s', t.get(), c(2 ** 30)), c(-1), t.get())),
  ], 'i64');
}

/** The roi of one axis (f64 locals), for tf_crop_and_resize. */
export interface AxisRoi { start: Local; end: Local }

/**
 * The input coordinate (f64) of output position `o` (f64) along an axis of input length `len`
 * (f64 local), scale `scale` and output length `outLen` (i32 local), by
 * coordinate_transformation_mode; `o` and `len` are read more than once, so they are locals.
 */
export function mapCoordinate(fn: FnBuilder, o: Local, len: Local, scale: Local, outLen: Local, coord: string, roi?: AxisRoi): Expr {
  const width = () => F(fn, 'mul', scale.get(), len.get());
  const half = () => F(fn, 'sub', F(fn, 'div', F(fn, 'add', o.get(), f64(fn, 0.5)), scale.get()), f64(fn, 0.5));
  switch (coord) {
    case 'align_corners':
      return fn.select(F(fn, 'eq', width(), f64(fn, 1)), f64(fn, 0),
        F(fn, 'div', F(fn, 'mul', o.get(), F(fn, 'sub', len.get(), f64(fn, 1))), F(fn, 'sub', width(), f64(fn, 1))));
    case 'asymmetric': return F(fn, 'div', o.get(), scale.get());
    case 'pytorch_half_pixel': return fn.select(F(fn, 'eq', width(), f64(fn, 1)), f64(fn, -0.5), half());
    case 'half_pixel_symmetric': {
      const offset = F(fn, 'mul', F(fn, 'div', len.get(), f64(fn, 2)), F(fn, 'sub', f64(fn, 1), F(fn, 'div', F(fn, 'convert_s.i32', outLen.get()), width())));
      return F(fn, 'add', offset, half());
    }
    case 'tf_crop_and_resize': {
      if (!roi) throw new Error('tf_crop_and_resize needs the roi');
      const last = () => F(fn, 'sub', len.get(), f64(fn, 1));
      const span = () => F(fn, 'mul', F(fn, 'sub', roi.end.get(), roi.start.get()), last());
      return F(fn, 'add',
        fn.select(F(fn, 'eq', width(), f64(fn, 1)), F(fn, 'div', span(), f64(fn, 2)), F(fn, 'div', F(fn, 'mul', o.get(), span()), F(fn, 'sub', width(), f64(fn, 1)))),
        F(fn, 'mul', roi.start.get(), last()));
    }
    default: return half();
  }
}

/** `xo` (f64 local) rounded by nearest_mode (`simple`: floor, or ceil when the axis downsamples), as an f64. */
export function roundNearest(fn: FnBuilder, xo: Local, nearest: string, scale: Local): Expr {
  switch (nearest) {
    case 'floor': return F(fn, 'floor', xo.get());
    case 'ceil': return F(fn, 'ceil', xo.get());
    case 'round_prefer_ceil': return F(fn, 'floor', F(fn, 'add', xo.get(), f64(fn, 0.5)));
    case 'simple': return fn.select(F(fn, 'lt', scale.get(), f64(fn, 1)), F(fn, 'ceil', xo.get()), F(fn, 'floor', xo.get()));
    default: return F(fn, 'ceil', F(fn, 'sub', xo.get(), f64(fn, 0.5)));
  }
}

/** The input index nearest output position `o` (f64) along an axis: coordinate mapping, rounding, clamping. */
function sourceIndex(fn: FnBuilder, o: Expr, inLen: Expr, scale: Local, outLen: Local, coord: string, nearest: string): Expr {
  const xo = fn.local('f64'), len = fn.local('f64'), idx = fn.local('i32'), oLocal = fn.local('f64');
  const last = () => fn.sub(fn.num('i32', 'trunc_s_sat.f64', len.get()), 1);
  return fn.valueBlock([
    oLocal.set(o), len.set(inLen), xo.set(mapCoordinate(fn, oLocal, len, scale, outLen, coord)),
    idx.set(fn.num('i32', 'trunc_s_sat.f64', roundNearest(fn, xo, nearest, scale))),
    fn.selectI(fn.ltS(idx.get(), 0), 0, fn.selectI(fn.gtS(idx.get(), last()), last(), idx.get())),
  ], 'i32');
}
