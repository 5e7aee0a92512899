// The kernels of ops whose output dims come from a tensor's values at run time (see
// value-shaped.ts): each computes the dims from the values, publishes them, then moves the data
// one element at a time with the dims in locals. A lowering calls its kernel here from its
// run-time path when `computesDims(ctx)`.
import { DTYPE_BYTES, Dim, oneHotAxis, padMode, reshapeAllowzero } from '@onnx2wasm/ir';
import { LowerContext, unsupported } from '../../lowering.js';
import { Expr, FnBuilder, I32, Local, type NumOp } from '../../wasm-builder.js';
import { copyElement } from './strided-loops.js';
import { convert, scalarType } from './scalar-types.js';
import { AxisMap, byteStrides, clampI32, dimFromI64, i64c, intAt, mappedCopy, publishDims, required } from './value-shaped.js';

const I64 = (fn: FnBuilder, op: NumOp<'i64'>, ...a: Expr[]) => fn.num('i64', op, ...a);
const staticLength = (ctx: LowerContext, t: { shape: Dim[]; name: string }): number => {
  const n = t.shape[0];
  if (t.shape.length !== 1 || typeof n !== 'number') unsupported(ctx, `'${t.name}' of shape [${t.shape}] (a 1-D tensor of static length is needed)`);
  return n;
};
const locals = (fn: FnBuilder, n: number, type: 'i32' | 'i64' = 'i32'): Local[] => Array.from({ length: n }, () => fn.local(type));
/** Element copy of the op's dtype. */
const copier = (ctx: LowerContext) => (dst: Expr, src: Expr) => copyElement(ctx.fn, ctx.outputs[0]!.dtype, dst, src);

/** Reshape(x, shape): 0 copies the input dim (unless allowzero), one -1 takes what is left; the element count must match. */
export function reshapeByValues(ctx: LowerContext): Expr[] {
  const { fn, node } = ctx;
  const x = required(ctx, 0, 'data'), s = required(ctx, 1, 'shape'), y = ctx.outputs[0]!;
  const rank = y.shape.length, xRank = x.shape.length, allowzero = reshapeAllowzero(node);
  const raw = locals(fn, rank, 'i64'), dims = locals(fn, rank);
  const count = fn.local('i64'), known = fn.local('i64'), minus = fn.local('i32'), bad = fn.local('i32'), left = fn.local('i64');
  const out: Expr[] = [count.set(fn.i32ToI64(fn.i(x.count()))), known.set(i64c(fn, 1)), minus.set(fn.i(0)), bad.set(fn.i(0))];
  raw.forEach((r, k) => {
    out.push(r.set(intAt(fn, s, k)));
    if (!allowzero) {
      if (k < xRank) out.push(r.set(fn.select(I64(fn, 'eqz', r.get()), fn.i32ToI64(fn.i(x.dim(k))), r.get())));
      else out.push(bad.set(fn.or(bad.get(), I64(fn, 'eqz', r.get()))));
    }
    // Entries past 2^31 cannot match an element count held in memory; keeping them out bounds the product.
    out.push(bad.set(fn.or(bad.get(), fn.or(I64(fn, 'lt_s', r.get(), i64c(fn, -1)), I64(fn, 'gt_s', r.get(), i64c(fn, 0x7fffffff))))));
    out.push(fn.if(I64(fn, 'eq', r.get(), i64c(fn, -1)), [minus.set(fn.add(minus.get(), 1))], [
      known.set(I64(fn, 'mul', known.get(), r.get())),
      known.set(fn.select(I64(fn, 'gt_s', known.get(), i64c(fn, 2 ** 32)), i64c(fn, 2 ** 32), known.get())),
    ]));
  });
  // One -1: count / known, exactly; none: known must be the count.
  out.push(fn.if(fn.eq(minus.get(), 1), [
    bad.set(fn.or(bad.get(), I64(fn, 'eqz', known.get()))),
    fn.if(fn.eqz(bad.get()), [
      bad.set(fn.or(bad.get(), I64(fn, 'ne', I64(fn, 'rem_s', count.get(), known.get()), i64c(fn, 0)))),
      left.set(I64(fn, 'div_s', count.get(), known.get())),
    ]),
  ], [bad.set(fn.or(bad.get(), fn.or(fn.gtS(minus.get(), 1), I64(fn, 'ne', known.get(), count.get()))))]));
  raw.forEach((r, k) => out.push(dims[k]!.set(dimFromI64(fn, () => fn.select(I64(fn, 'eq', r.get(), i64c(fn, -1)), left.get(), r.get())))));
  out.push(...publishDims(ctx, dims, bad));
  const elem = DTYPE_BYTES[x.dtype];
  out.push(fn.copy(y.addr(), x.addr(), fn.mul(x.count(), elem)));
  return out;
}

/** Unsqueeze(x, axes) with run-time axes: output axis d is 1 when listed, else x's next dim; listed axes must be distinct and in range. */
export function unsqueezeByValues(ctx: LowerContext): Expr[] {
  const { fn } = ctx;
  const x = required(ctx, 0, 'data'), a = required(ctx, 1, 'axes'), y = ctx.outputs[0]!;
  const rank = y.shape.length, k = staticLength(ctx, a), xRank = x.shape.length;
  const dims = locals(fn, rank), axis = locals(fn, k), listed = fn.local('i32'), j = fn.local('i32'), bad = fn.local('i32'), seen = fn.local('i32');
  const out: Expr[] = [bad.set(fn.i(0)), j.set(fn.i(0)), seen.set(fn.i(0))];
  axis.forEach((l, i) => out.push(
    l.set(clampI32(fn, () => intAt(fn, a, i), -rank - 1, rank)),
    fn.if(fn.ltS(l.get(), 0), [l.set(fn.add(l.get(), rank))]),
  ));
  // x's dim at the run-time index j (a chain of selects over its static rank; past the end: 0).
  const xDimAt = (): Expr => x.shape.reduceRight<Expr>((rest, _, r) => fn.selectI(fn.eq(j.get(), r), x.dim(r), rest), fn.i(0));
  for (let d = 0; d < rank; d++) {
    out.push(listed.set(axis.reduce<Expr>((acc, l) => fn.or(acc, fn.eq(l.get(), d)), fn.i(0))));
    out.push(seen.set(fn.add(seen.get(), listed.get())));
    out.push(fn.if(listed.get(), [dims[d]!.set(fn.i(1))], [
      bad.set(fn.or(bad.get(), fn.geS(j.get(), xRank))),
      dims[d]!.set(xDimAt()),
      j.set(fn.add(j.get(), 1)),
    ]));
  }
  out.push(bad.set(fn.or(bad.get(), fn.ne(seen.get(), k))));
  out.push(...publishDims(ctx, dims, bad));
  out.push(fn.copy(y.addr(), x.addr(), fn.mul(x.count(), DTYPE_BYTES[x.dtype])));
  return out;
}

/** The input's dims aligned right to `rank` (leading 1s), as fresh i32 expressions. */
const alignedDims = (x: LowerContext['inputs'][number] & object, rank: number) => (d: number): I32 => (d < rank - x.shape.length ? 1 : x.dim(d - (rank - x.shape.length)));

/** Expand(x, shape): numpy broadcasting of x's dims with the shape's values. */
export function expandByValues(ctx: LowerContext): Expr[] {
  const { fn } = ctx;
  const x = required(ctx, 0, 'input'), s = required(ctx, 1, 'shape'), y = ctx.outputs[0]!;
  const rank = y.shape.length, k = staticLength(ctx, s), elem = DTYPE_BYTES[x.dtype];
  const xd = alignedDims(x, rank), strides = byteStrides(fn, x, elem);
  const dims = locals(fn, rank), sv = fn.local('i32'), bad = fn.local('i32');
  const out: Expr[] = [bad.set(fn.i(0))];
  for (let d = 0; d < rank; d++) {
    const j = d - (rank - k);
    out.push(sv.set(j < 0 ? fn.i(1) : dimFromI64(fn, () => intAt(fn, s, j))));
    out.push(dims[d]!.set(fn.selectI(fn.eq(sv.get(), 1), xd(d), sv.get())));
    out.push(bad.set(fn.or(bad.get(), fn.and(fn.ne(xd(d), 1), fn.and(fn.ne(xd(d), dims[d]!.get()), fn.geS(dims[d]!.get(), 0))))));
  }
  out.push(...publishDims(ctx, dims, bad));
  const axes: AxisMap[] = dims.map((_, d) => {
    const xi = d - (rank - x.shape.length);
    return xi < 0 ? { index: () => 0, stride: () => 0 } : { index: (i) => fn.selectI(fn.eq(xd(d), 1), 0, i()), stride: strides[xi]! };
  });
  out.push(...mappedCopy(fn, elem, dims, () => y.addr(), () => x.addr(), axes, copier(ctx)));
  return out;
}

/** Tile(x, repeats): each dim times its repeat count. */
export function tileByValues(ctx: LowerContext): Expr[] {
  const { fn } = ctx;
  const x = required(ctx, 0, 'input'), r = required(ctx, 1, 'repeats'), y = ctx.outputs[0]!;
  const rank = y.shape.length, elem = DTYPE_BYTES[x.dtype], strides = byteStrides(fn, x, elem);
  const dims = locals(fn, rank);
  const out: Expr[] = dims.map((l, d) => l.set(dimFromI64(fn, () => I64(fn, 'mul', fn.i32ToI64(fn.i(x.dim(d))), intAt(fn, r, d)))));
  out.push(...publishDims(ctx, dims));
  const axes: AxisMap[] = dims.map((_, d) => ({ index: (i) => fn.remU(i(), x.dim(d)), stride: strides[d]! }));
  out.push(...mappedCopy(fn, elem, dims, () => y.addr(), () => x.addr(), axes, copier(ctx)));
  return out;
}

/** Per listed axis k, runs `body(d)` for the axis d it names (axes input or k itself); an axis out of range sets `bad`. */
function forListedAxes(fn: FnBuilder, rank: number, count: number, axes: LowerContext['inputs'][number], bad: Local, body: (k: number, d: number) => Expr[]): Expr[] {
  const out: Expr[] = [];
  const a = fn.local('i32');
  for (let k = 0; k < count; k++) {
    if (!axes) { if (k < rank) out.push(...body(k, k)); else out.push(bad.set(fn.i(1))); continue; }
    out.push(a.set(clampI32(fn, () => intAt(fn, axes, k), -rank - 1, rank)));
    out.push(fn.if(fn.ltS(a.get(), 0), [a.set(fn.add(a.get(), rank))]));
    out.push(bad.set(fn.or(bad.get(), fn.or(fn.ltS(a.get(), 0), fn.geS(a.get(), rank)))));
    for (let d = 0; d < rank; d++) out.push(fn.if(fn.eq(a.get(), d), body(k, d)));
  }
  return out;
}

/** Slice(x, starts, ends, axes?, steps?): per axis, the ONNX clamping of start and end for the step's sign. */
export function sliceByValues(ctx: LowerContext): Expr[] {
  const { fn } = ctx;
  const [, , , axesIn, stepsIn] = ctx.inputs;
  const x = required(ctx, 0, 'data'), starts = required(ctx, 1, 'starts'), ends = required(ctx, 2, 'ends');
  const y = ctx.outputs[0]!, rank = y.shape.length, k = staticLength(ctx, starts!);
  const elem = DTYPE_BYTES[x!.dtype], strides = byteStrides(fn, x!, elem);
  const dims = locals(fn, rank), start = locals(fn, rank), step = locals(fn, rank), bad = fn.local('i32');
  const dim = fn.local('i64'), st = fn.local('i64'), en = fn.local('i64'), sp = fn.local('i64'), len = fn.local('i64');
  const out: Expr[] = [bad.set(fn.i(0))];
  for (let d = 0; d < rank; d++) out.push(start[d]!.set(fn.i(0)), step[d]!.set(fn.i(1)), dims[d]!.set(fn.i(x!.dim(d))));
  const clamp = (v: Local, lo: () => Expr, hi: () => Expr) => v.set(fn.select(I64(fn, 'lt_s', v.get(), lo()), lo(), fn.select(I64(fn, 'gt_s', v.get(), hi()), hi(), v.get())));
  out.push(...forListedAxes(fn, rank, k, axesIn, bad, (j, d) => [
    dim.set(fn.i32ToI64(fn.i(x!.dim(d)))),
    st.set(intAt(fn, starts!, j)), en.set(intAt(fn, ends!, j)),
    // Steps beyond ±2^30 take one element like any step longer than the dim.
    sp.set(stepsIn ? intAt(fn, stepsIn, j) : i64c(fn, 1)),
    clamp(sp, () => i64c(fn, -(2 ** 30)), () => i64c(fn, 2 ** 30)),
    bad.set(fn.or(bad.get(), I64(fn, 'eqz', sp.get()))),
    fn.if(I64(fn, 'lt_s', st.get(), i64c(fn, 0)), [st.set(I64(fn, 'add', st.get(), dim.get()))]),
    fn.if(I64(fn, 'lt_s', en.get(), i64c(fn, 0)), [en.set(I64(fn, 'add', en.get(), dim.get()))]),
    fn.if(I64(fn, 'gt_s', sp.get(), i64c(fn, 0)), [
      clamp(st, () => i64c(fn, 0), () => dim.get()), clamp(en, () => i64c(fn, 0), () => dim.get()),
      len.set(I64(fn, 'div_s', I64(fn, 'add', I64(fn, 'sub', en.get(), st.get()), I64(fn, 'sub', sp.get(), i64c(fn, 1))), sp.get())),
    ], [
      clamp(st, () => i64c(fn, 0), () => I64(fn, 'sub', dim.get(), i64c(fn, 1))), clamp(en, () => i64c(fn, -1), () => I64(fn, 'sub', dim.get(), i64c(fn, 1))),
      // (A step of 0 lands here: refused through `bad`, divided by 1 meanwhile.)
      len.set(I64(fn, 'div_s', I64(fn, 'add', I64(fn, 'sub', st.get(), en.get()), I64(fn, 'sub', I64(fn, 'sub', i64c(fn, 0), sp.get()), i64c(fn, 1))),
        fn.select(I64(fn, 'eqz', sp.get()), i64c(fn, 1), I64(fn, 'sub', i64c(fn, 0), sp.get())))),
    ]),
    fn.if(I64(fn, 'lt_s', len.get(), i64c(fn, 0)), [len.set(i64c(fn, 0))]),
    dims[d]!.set(fn.i64ToI32(len.get())), start[d]!.set(fn.i64ToI32(st.get())), step[d]!.set(fn.i64ToI32(sp.get())),
  ]));
  out.push(...publishDims(ctx, dims, bad));
  const axes: AxisMap[] = dims.map((_, d) => ({ index: (i) => fn.add(start[d]!.get(), fn.mul(i(), step[d]!.get())), stride: strides[d]! }));
  out.push(...mappedCopy(fn, elem, dims, () => y.addr(), () => x!.addr(), axes, copier(ctx)));
  return out;
}

/** Pad(x, pads, value?, axes?) in every mode, with pads (and axes) read at run time; negative pads crop. */
export function padByValues(ctx: LowerContext): Expr[] {
  const { fn, node } = ctx;
  const [, , value, axesIn] = ctx.inputs;
  const x = required(ctx, 0, 'data'), pads = required(ctx, 1, 'pads');
  const y = ctx.outputs[0]!, rank = y.shape.length, mode = padMode(node);
  const count = axesIn ? staticLength(ctx, axesIn) : rank;
  if (staticLength(ctx, pads!) !== 2 * count) unsupported(ctx, `pads of length ${pads!.shape[0]} for ${count} axes`);
  const elem = DTYPE_BYTES[x!.dtype], strides = byteStrides(fn, x!, elem);
  const dims = locals(fn, rank), begin = locals(fn, rank), end = locals(fn, rank), bad = fn.local('i32');
  const out: Expr[] = [bad.set(fn.i(0)), ...begin.map((b) => b.set(fn.i(0))), ...end.map((e) => e.set(fn.i(0)))];
  const amount = (j: number) => clampI32(fn, () => intAt(fn, pads!, j), -(2 ** 30), 2 ** 30);
  out.push(...forListedAxes(fn, rank, count, axesIn, bad, (j, d) => [begin[d]!.set(amount(j)), end[d]!.set(amount(j + count))]));
  const wide = (v: I32) => fn.i32ToI64(fn.i(v));
  dims.forEach((l, d) => out.push(l.set(dimFromI64(fn, () => I64(fn, 'add', wide(x!.dim(d)), I64(fn, 'add', wide(begin[d]!.get()), wide(end[d]!.get())))))));
  // Edge, reflect and wrap pad what is left after the crops (negative pads), as the spec's
  // reference does: axis d keeps [lo, lo + kept) of the input, and output index i reads kept
  // index i - max(begin, 0) folded into that range. An axis with nothing kept cannot be padded.
  const lo = locals(fn, rank), kept = locals(fn, rank);
  if (mode !== 'constant') {
    dims.forEach((l, d) => out.push(
      lo[d]!.set(fn.selectI(fn.ltS(begin[d]!.get(), 0), fn.sub(0, begin[d]!.get()), 0)),
      kept[d]!.set(fn.sub(fn.sub(x!.dim(d), lo[d]!.get()), fn.selectI(fn.ltS(end[d]!.get(), 0), fn.sub(0, end[d]!.get()), 0))),
      bad.set(fn.or(bad.get(), fn.and(fn.leS(kept[d]!.get(), 0), fn.gtS(l.get(), 0)))),
    ));
  }
  out.push(...publishDims(ctx, dims, bad));
  const axes: AxisMap[] = dims.map((_, d) => {
    const stride = strides[d]!;
    if (mode === 'constant') {
      const j = (i: () => Expr) => fn.sub(i(), begin[d]!.get());
      return { index: j, stride, inside: (i) => fn.ltU(j(i), x!.dim(d)) };
    }
    const n = () => kept[d]!.get();
    const j = (i: () => Expr) => fn.sub(i(), fn.selectI(fn.gtS(begin[d]!.get(), 0), begin[d]!.get(), 0));
    const from = (k: Expr) => fn.add(lo[d]!.get(), k);
    if (mode === 'edge') return { index: (i) => from(fn.selectI(fn.ltS(j(i), 0), 0, fn.selectI(fn.geS(j(i), n()), fn.sub(n(), 1), j(i)))), stride };
    if (mode === 'wrap') return { index: (i) => from(fn.remS(fn.add(fn.remS(j(i), n()), n()), n())), stride };
    // reflect: period 2(n-1), folded back into 0..n-1 (n = 1: always 0).
    const period = () => fn.selectI(fn.eq(n(), 1), 1, fn.mul(fn.sub(n(), 1), 2));
    const m = (i: () => Expr) => fn.remS(fn.add(fn.remS(j(i), period()), period()), period());
    return { index: (i) => from(fn.selectI(fn.ltS(m(i), n()), m(i), fn.sub(period(), m(i)))), stride };
  });
  const fill = mode !== 'constant' ? undefined
    : value ? (dst: Expr) => copyElement(fn, x!.dtype, dst, fn.i(value.addr())) : (dst: Expr) => fn.fill(dst, 0, elem);
  out.push(...mappedCopy(fn, elem, dims, () => y.addr(), () => x!.addr(), axes, copier(ctx), fill));
  return out;
}

/** ConstantOfShape(shape): the dims are the values; the fill itself is the lowering's. */
export function constantOfShapeDims(ctx: LowerContext): Expr[] {
  const { fn } = ctx;
  const s = required(ctx, 0, 'input'), y = ctx.outputs[0]!;
  const dims = locals(fn, y.shape.length);
  return [...dims.map((l, d) => l.set(dimFromI64(fn, () => intAt(fn, s, d)))), ...publishDims(ctx, dims)];
}

/** Range(start, limit, delta): max(ceil((limit - start) / delta), 0) elements, computed in f64; the fill is the lowering's. */
export function rangeDims(ctx: LowerContext, load: (i: number) => Expr): Expr[] {
  const { fn } = ctx;
  ['start', 'limit', 'delta'].forEach((what, i) => required(ctx, i, what));
  const n = fn.local('f64'), dims = locals(fn, 1);
  const f64 = (i: number) => load(i);
  return [
    n.set(fn.num('f64', 'ceil', fn.num('f64', 'div', fn.num('f64', 'sub', f64(1), f64(0)), f64(2)))),
    // NaN (delta 0 of 0 elements) and negatives are no elements; trunc_sat keeps huge ones at the i32 maximum.
    dims[0]!.set(fn.selectI(fn.num('f64', 'gt', n.get(), fn.constOf('f64', 0)), fn.num('i32', 'trunc_s_sat.f64', n.get()), 0)),
    ...publishDims(ctx, dims),
  ];
}

/**
 * OneHot(indices, depth, values) with a run-time depth (any numeric scalar, truncated): fills the
 * output with the off value, then writes the on value at each index's position along the new
 * axis (negative indices count from the end; out-of-range ones leave their row off).
 */
export function oneHotByValues(ctx: LowerContext): Expr[] {
  const { fn, node } = ctx;
  const h = ctx;
  const ind = required(ctx, 0, 'indices'), dep = required(ctx, 1, 'depth'), vals = required(ctx, 2, 'values'), y = ctx.outputs[0]!;
  const it = scalarType(ind.dtype), dt = scalarType(dep.dtype), vt = scalarType(vals.dtype), i64 = scalarType('int64')!;
  if (!it || !dt || !vt) unsupported(ctx, `dtypes ${ind.dtype} / ${dep.dtype} / ${vals.dtype}`);
  const axis = oneHotAxis(node, ind.shape.length);
  const dims = locals(fn, y.shape.length), raw = fn.local('i64');
  const depth = dims[axis]!, elem = DTYPE_BYTES[vals.dtype];
  const k = fn.local('i32'), o = fn.local('i32'), r = fn.local('i32'), src = fn.local('i32');
  const off = fn.local(vt.wasm), on = fn.local(vt.wasm), v = fn.local('i64'), i = fn.local('i32');
  const inner = () => ind.count(axis), d64 = () => fn.i32ToI64(depth.get());
  return [
    raw.set(convert(fn, dt, i64, dt.load(h, dep.addr()))),
    depth.set(dimFromI64(fn, () => raw.get())),
    ...publishDims(ctx, dims),
    off.set(vt.load(h, vals.addr())),
    on.set(vt.load(h, fn.add(vals.addr(), elem))),
    fn.for(k, 0, fn.mul(fn.mul(ind.count(), depth.get()), 1), 1, [vt.store(h, fn.add(fn.mul(k.get(), elem), y.addr()), off.get())]),
    src.set(fn.i(ind.addr())),
    fn.for(o, 0, ind.count(0, axis), 1, [
      fn.for(r, 0, inner(), 1, [
        v.set(convert(fn, it, i64, it.load(h, src.get()))),
        src.set(fn.add(src.get(), it.bytes)),
        fn.if(fn.and(fn.num('i64', 'ge_s', v.get(), fn.num('i64', 'sub', fn.constOf('i64', 0), d64())), fn.num('i64', 'lt_s', v.get(), d64())), [
          i.set(fn.i64ToI32(v.get())),
          fn.if(fn.ltS(i.get(), 0), [i.set(fn.add(i.get(), depth.get()))]),
          vt.store(h, fn.add(fn.mul(fn.add(fn.mul(fn.add(fn.mul(o.get(), depth.get()), i.get()), inner()), r.get()), elem), y.addr()), on.get()),
        ]),
      ]),
    ]),
  ];
}
