// Nearest Resize with scales or sizes read at run time (IR Resize(X, scales, sizes), see the IR
// op): the output dims of the listed axes are computed and published like the other value-shaped
// ops (value-shaped.ts), then every output position's source index is computed at run time in
// f64, as resize-taps.ts does at compile time for constant scales: the coordinate mapping of
// `coordinate_transformation_mode`, the rounding of `nearest_mode`, clamped into the input.
import { DTYPE_BYTES, attrInts, attrString } from '@onnx2wasm/ir';
import { LowerContext, unsupported } from '../../lowering.js';
import { Expr, FnBuilder, Local, type NumOp } from '../../wasm-builder.js';
import { copyElement } from './strided-loops.js';
import { AxisMap, byteStrides, intAt, mappedCopy, publishDims } from './value-shaped.js';

const F = (fn: FnBuilder, op: NumOp<'f64'>, ...a: Expr[]) => fn.num('f64', op, ...a);
const f64 = (fn: FnBuilder, v: number) => fn.constOf('f64', v);

export function resizeNearestByValues(ctx: LowerContext): Expr[] {
  const { fn, node } = ctx;
  const [x, scalesIn, sizesIn] = ctx.inputs;
  const y = ctx.outputs[0]!, rank = y.shape.length;
  const axes = attrInts(node, 'axes');
  // The importer writes these (and the axes) explicitly on a Resize with run-time scales or sizes.
  const policy = attrString(node, 'keep_aspect_ratio_policy');
  const coord = attrString(node, 'coordinate_transformation_mode');
  const nearest = attrString(node, 'nearest_mode');
  if (coord === 'tf_crop_and_resize') unsupported(ctx, 'tf_crop_and_resize with run-time scales or sizes');
  const inLen = (a: number) => F(fn, 'convert_s.i32', fn.i(x!.dim(a)));
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
  const elem = DTYPE_BYTES[x!.dtype], strides = byteStrides(fn, x!, elem);
  const maps: AxisMap[] = x!.shape.map((_, a) => {
    if (!axes.includes(a)) return { index: (i) => i(), stride: strides[a]! };
    return { index: (i) => sourceIndex(fn, F(fn, 'convert_s.i32', i()), inLen(a), scale[a]!, dims[a]!, coord, nearest), stride: strides[a]! };
  });
  out.push(...mappedCopy(fn, elem, dims.slice(0, rank), () => y.addr(), () => x!.addr(), maps, (d, s) => copyElement(fn, x!.dtype, d, s)));
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

/** The input index nearest output position `o` (f64) along an axis: coordinate mapping, rounding, clamping. */
function sourceIndex(fn: FnBuilder, o: Expr, inLen: Expr, scale: Local, outLen: Local, coord: string, nearest: string): Expr {
  const xo = fn.local('f64'), len = fn.local('f64'), idx = fn.local('i32');
  const width = () => F(fn, 'mul', scale.get(), len.get());
  const half = () => F(fn, 'sub', F(fn, 'div', F(fn, 'add', o2(), f64(fn, 0.5)), scale.get()), f64(fn, 0.5));
  const oLocal = fn.local('f64');
  const o2 = () => oLocal.get();
  let mapped: Expr;
  switch (coord) {
    case 'align_corners': mapped = F(fn, 'div', F(fn, 'mul', o2(), F(fn, 'sub', len.get(), f64(fn, 1))), F(fn, 'sub', width(), f64(fn, 1)));
      mapped = fn.select(F(fn, 'eq', width(), f64(fn, 1)), f64(fn, 0), mapped); break;
    case 'asymmetric': mapped = F(fn, 'div', o2(), scale.get()); break;
    case 'pytorch_half_pixel': mapped = fn.select(F(fn, 'eq', width(), f64(fn, 1)), f64(fn, -0.5), half()); break;
    case 'half_pixel_symmetric': {
      const offset = F(fn, 'mul', F(fn, 'div', len.get(), f64(fn, 2)), F(fn, 'sub', f64(fn, 1), F(fn, 'div', F(fn, 'convert_s.i32', outLen.get()), width())));
      mapped = F(fn, 'add', offset, half()); break;
    }
    default: mapped = half();
  }
  const rounded = nearest === 'floor' ? F(fn, 'floor', xo.get())
    : nearest === 'ceil' ? F(fn, 'ceil', xo.get())
      : nearest === 'round_prefer_ceil' ? F(fn, 'floor', F(fn, 'add', xo.get(), f64(fn, 0.5)))
        : F(fn, 'ceil', F(fn, 'sub', xo.get(), f64(fn, 0.5)));
  const last = () => fn.sub(fn.num('i32', 'trunc_s_sat.f64', len.get()), 1);
  return fn.valueBlock([
    oLocal.set(o), len.set(inLen), xo.set(mapped),
    idx.set(fn.num('i32', 'trunc_s_sat.f64', rounded)),
    fn.selectI(fn.ltS(idx.get(), 0), 0, fn.selectI(fn.gtS(idx.get(), last()), last(), idx.get())),
  ], 'i32');
}
