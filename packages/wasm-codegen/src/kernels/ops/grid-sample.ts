// GridSample, float32: per (image, output position) the taps of every spatial axis are computed
// once from the grid (coordinate denormalization, rounding, border clamp or reflection, per-tap
// padding) into locals — an input byte offset and a weight per tap, a zero weight for taps that
// read padding — then every channel sums the weight products over all tap combinations (unrolled).
import { gridSampleModes, sizeOf, stridesOf } from '@onnx2wasm/ir';
import { StaticContext, registerLowering, staticView, unsupported } from '../../lowering.js';
import { Expr, FnBuilder, Local } from '../../wasm-builder.js';

/** gs_reflect(x, lo, hi): x reflected into [lo, hi] by the nearer border, repeatedly. */
function buildReflect(fn: FnBuilder): void {
  const x = fn.param(0), lo = fn.param(1), hi = fn.param(2);
  const range = fn.local('f32'), dx = fn.local('f32'), n = fn.local('f32'), r = fn.local('f32');
  // dx past the border folds n whole ranges, then r: even folds end at `even`, odd ones at `odd`.
  const fold = (distance: Expr, even: () => Expr, odd: () => Expr): Expr[] => [
    dx.set(distance),
    n.set(fn.num('f32', 'trunc', fn.fdiv(dx.get(), range.get()))),
    r.set(fn.fsub(dx.get(), fn.fmul(n.get(), range.get()))),
    fn.return(fn.fselect(fn.eqz(fn.and(fn.i32FromF32(n.get()), 1)), even(), odd())),
  ];
  fn.finish([
    range.set(fn.fsub(hi.get(), lo.get())),
    fn.if(fn.feq(range.get(), fn.f32(0)), [fn.return(lo.get())]),
    fn.if(fn.flt(x.get(), lo.get()), fold(fn.fsub(lo.get(), x.get()), () => fn.fadd(lo.get(), r.get()), () => fn.fsub(hi.get(), r.get()))),
    fn.if(fn.fgt(x.get(), hi.get()), fold(fn.fsub(x.get(), hi.get()), () => fn.fsub(hi.get(), r.get()), () => fn.fadd(lo.get(), r.get()))),
    fn.return(x.get()),
  ], 'f32');
}

function reflectCall(ctx: StaticContext, x: Expr, lo: number, hi: number): Expr {
  const name = ctx.helper('gs_reflect', buildReflect, ['f32', 'f32', 'f32']);
  return ctx.fn.callValue(name, [x, ctx.fn.f32(lo), ctx.fn.f32(hi)], 'f32');
}

/** Keys cubic weights (A = -0.75) at fraction t, as expressions of a local. */
function cubicWeights(fn: FnBuilder, t: Local): Expr[] {
  const A = -0.75;
  const near = (x: () => Expr) => fn.fadd(fn.fmul(fn.fmul(fn.fsub(fn.fmul(fn.f32(A + 2), x()), fn.f32(A + 3)), x()), x()), fn.f32(1));
  const far = (x: () => Expr) => fn.fsub(fn.fmul(fn.fadd(fn.fmul(fn.fsub(fn.fmul(fn.f32(A), x()), fn.f32(5 * A)), x()), fn.f32(8 * A)), x()), fn.f32(4 * A));
  return [
    far(() => fn.fadd(t.get(), fn.f32(1))), near(() => t.get()),
    near(() => fn.fsub(fn.f32(1), t.get())), far(() => fn.fsub(fn.f32(2), t.get())),
  ];
}

registerLowering({
  ops: ['GridSample'],
  lower(context) {
    const ctx = staticView(context);
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!, grid = ctx.inputs[1]!, y = ctx.outputs[0]!;
    if (y.dtype !== 'float32') unsupported(ctx, `dtype ${y.dtype}`);
    if (sizeOf(y.dims) === 0) return [];
    const { mode, padding, alignCorners } = gridSampleModes(node);
    const [N, C] = x.dims as [number, number];
    const inSp = x.dims.slice(2), R = inSp.length, P = sizeOf(grid.dims.slice(1, -1));
    const inPlane = sizeOf(inSp), inStr = stridesOf(inSp);
    const T = mode === 'nearest' ? 1 : mode === 'linear' ? 2 : 4;
    const first = mode === 'cubic' ? -1 : 0;
    const n = fn.local('i32'), p = fn.local('i32'), c = fn.local('i32'), gp = fn.local('i32'), xb = fn.local('i32'), idx = fn.local('i32');
    const v = fn.local('f32'), t = fn.local('f32'), acc = fn.local('f32');
    const off = inSp.map(() => Array.from({ length: T }, () => fn.local('i32')));
    const w = inSp.map(() => Array.from({ length: T }, () => fn.local('f32')));

    const axisTaps = (a: number): Expr[] => {
      const d = inSp[a]!, lo = alignCorners ? 0 : -0.5, hi = alignCorners ? d - 1 : d - 0.5;
      const g = () => fn.fadd(fn.loadF32(gp.get(), 4 * (R - 1 - a)), fn.f32(1));
      const stmts: Expr[] = [v.set(alignCorners
        ? fn.fmul(fn.fmul(g(), fn.f32(0.5)), fn.f32(d - 1))
        : fn.fmul(fn.fsub(fn.fmul(g(), fn.f32(d)), fn.f32(1)), fn.f32(0.5)))];
      if (mode === 'nearest') stmts.push(v.set(fn.num('f32', 'nearest', v.get())));
      const outside = () => fn.or(fn.flt(v.get(), fn.f32(lo)), fn.fgt(v.get(), fn.f32(hi)));
      if (padding === 'border') stmts.push(v.set(fn.fselect(outside(), fn.fmin(fn.fmax(v.get(), fn.f32(0)), fn.f32(d - 1)), v.get())));
      if (padding === 'reflection') stmts.push(v.set(reflectCall(ctx, v.get(), lo, hi)));
      stmts.push(t.set(fn.fsub(v.get(), fn.ffloor(v.get()))));
      const weights = mode === 'nearest' ? [fn.f32(1)] : mode === 'linear' ? [fn.fsub(fn.f32(1), t.get()), t.get()] : cubicWeights(fn, t);
      for (let k = 0; k < T; k++) {
        const base = mode === 'nearest' ? fn.i32FromF32(v.get()) : fn.i32FromF32(fn.ffloor(v.get()));
        stmts.push(idx.set(fn.add(base, first + k)), w[a]![k]!.set(weights[k]!));
        if (padding === 'zeros') {
          const inside = () => fn.ltU(idx.get(), d);
          stmts.push(w[a]![k]!.set(fn.fselect(inside(), w[a]![k]!.get(), fn.f32(0))), idx.set(fn.selectI(inside(), idx.get(), 0)));
        } else if (padding === 'reflection') {
          stmts.push(idx.set(fn.i32FromF32(reflectCall(ctx, fn.f32FromI32(idx.get()), lo, hi))));
        }
        // Clamping is 'border' itself, and keeps a reflected index safe from rounding.
        if (padding !== 'zeros') stmts.push(idx.set(fn.selectI(fn.ltS(idx.get(), 0), 0, idx.get())), idx.set(fn.selectI(fn.gtS(idx.get(), d - 1), d - 1, idx.get())));
        stmts.push(off[a]![k]!.set(fn.mul(idx.get(), 4 * inStr[a]!)));
      }
      return stmts;
    };

    // Σ over tap combinations of the weight product times x.
    const terms: Expr[] = [];
    const combine = (a: number, weight: (() => Expr) | undefined, offset: () => Expr): void => {
      if (a === R) {
        const value = fn.loadF32(fn.add(xb.get(), offset()));
        terms.push(acc.set(fn.fadd(acc.get(), weight ? fn.fmul(weight(), value) : value)));
        return;
      }
      for (let k = 0; k < T; k++) {
        const wk = w[a]![k]!, ok = off[a]![k]!;
        combine(a + 1, weight ? () => fn.fmul(weight(), wk.get()) : () => wk.get(), () => fn.add(offset(), ok.get()));
      }
    };
    combine(0, undefined, () => fn.i(0));

    const perPosition: Expr[] = [
      gp.set(fn.add(grid.addr, fn.mul(fn.add(fn.mul(n.get(), P), p.get()), 4 * R))),
      ...inSp.flatMap((_, a) => axisTaps(a)),
      fn.for(c, 0, C, 1, [
        xb.set(fn.add(x.addr, fn.mul(fn.add(fn.mul(n.get(), C), c.get()), 4 * inPlane))),
        acc.set(fn.f32(0)),
        ...terms,
        fn.storeF32(fn.shl(fn.add(fn.mul(fn.add(fn.mul(n.get(), C), c.get()), P), p.get()), 2), acc.get(), y.addr),
      ]),
    ];
    return [fn.for(n, 0, N, 1, [fn.for(p, 0, P, 1, perPosition)])];
  },
});
