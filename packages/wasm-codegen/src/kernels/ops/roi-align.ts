// RoiAlign: scalar loops mirroring the reference (roi-align.ts in the IR), with the sample
// coordinates in float64 like it. The roi geometry is per run (rois are data), so the sample grid
// of each roi (sampling_ratio = 0: ceil of the bin size) is a run-time loop bound.
import { roiAlignAttrs } from '@onnx2wasm/ir';
import { registerLowering, staticView, unsupported } from '../../lowering.js';
import { Expr, Local, type NumOp } from '../../wasm-builder.js';

registerLowering({
  ops: ['RoiAlign'],
  lower(context) {
    const ctx = staticView(context);
    const { fn, node } = ctx;
    const [x, rois, batch] = ctx.inputs as [NonNullable<typeof ctx.inputs[0]>, NonNullable<typeof ctx.inputs[0]>, NonNullable<typeof ctx.inputs[0]>];
    const y = ctx.outputs[0]!;
    if (x.dtype !== 'float32') unsupported(ctx, `dtype ${x.dtype}`);
    const a = roiAlignAttrs(node);
    const [, C, H, W] = x.dims as [number, number, number, number];
    const R = y.dims[0]!;
    const d = (op: NumOp<'f64'>, ...args: Expr[]) => fn.num('f64', op, ...args);
    const k = (v: number) => fn.constOf('f64', v);
    const i2d = (v: Expr) => d('convert_s.i32', v);
    const [r, c, ph, pw, iy, ix, gh, gw, base, yl, xl, yh, xh, oi] = Array.from({ length: 14 }, () => fn.local('i32'));
    const [sw, sh, bw, bh, yy, xx, ly, lx, acc, v, first] = [...Array.from({ length: 10 }, () => fn.local('f64')), fn.local('i32')];
    const coord = (col: number) => d('sub', d('mul', d('promote', fn.loadF32(fn.shl(r.get(), 4), rois.addr + 4 * col)), k(a.scale)), k(a.halfPixel ? 0.5 : 0));
    const size = (end: Expr, start: Local) => (a.halfPixel ? d('sub', end, start.get()) : d('max', d('sub', end, start.get()), k(1)));
    const grid = (bin: Local) => (a.ratio > 0 ? fn.i(a.ratio) : fn.num('i32', 'trunc_s.f64', d('ceil', bin.get())));
    const px = (row: Local, col: Local) => d('promote', fn.loadF32(fn.shl(fn.add(base.get(), fn.add(fn.mul(row.get(), W), col.get())), 2), x.addr));
    // Clamp one coordinate like the reference: at least 0; at or past the last pixel it sits on it.
    const clamp = (p: Local, low: Local, high: Local, n: number): Expr[] => [
      p.set(d('max', p.get(), k(0))),
      low.set(fn.num('i32', 'trunc_s.f64', p.get())),
      fn.if(fn.geS(low.get(), n - 1), [low.set(fn.i(n - 1)), high.set(fn.i(n - 1)), p.set(i2d(low.get()))], [high.set(fn.add(low.get(), 1))]),
    ];
    const terms = (): Expr[] => {
      const hy = () => d('sub', k(1), ly.get()), hx = () => d('sub', k(1), lx.get());
      return [
        d('mul', d('mul', hy(), hx()), px(yl, xl)), d('mul', d('mul', hy(), lx.get()), px(yl, xh)),
        d('mul', d('mul', ly.get(), hx()), px(yh, xl)), d('mul', d('mul', ly.get(), lx.get()), px(yh, xh)),
      ];
    };
    const sampleValue = (): Expr => {
      const [t1, t2, t3, t4] = terms() as [Expr, Expr, Expr, Expr];
      return a.max ? d('max', d('max', t1, t2), d('max', t3, t4)) : d('add', d('add', t1, t2), d('add', t3, t4));
    };
    const outside = fn.or(fn.or(d('lt', yy.get(), k(-1)), d('gt', yy.get(), k(H))), fn.or(d('lt', xx.get(), k(-1)), d('gt', xx.get(), k(W))));
    const point: Expr[] = [
      yy.set(d('add', d('add', sh.get(), d('mul', i2d(ph.get()), bh.get())), d('div', d('mul', d('add', i2d(iy.get()), k(0.5)), bh.get()), i2d(gh.get())))),
      xx.set(d('add', d('add', sw.get(), d('mul', i2d(pw.get()), bw.get())), d('div', d('mul', d('add', i2d(ix.get()), k(0.5)), bw.get()), i2d(gw.get())))),
      fn.if(outside, [v.set(k(0))], [
        ...clamp(yy, yl, yh, H), ...clamp(xx, xl, xh, W),
        ly.set(d('sub', yy.get(), i2d(yl.get()))), lx.set(d('sub', xx.get(), i2d(xl.get()))),
        v.set(sampleValue()),
      ]),
      acc.set(a.max ? fn.select(first.get(), v.get(), d('max', acc.get(), v.get())) : d('add', acc.get(), v.get())),
      first.set(fn.i(0)),
    ];
    const count = () => i2d(fn.selectI(fn.gtS(fn.mul(gh.get(), gw.get()), 1), fn.mul(gh.get(), gw.get()), 1));
    const bin: Expr[] = [
      acc.set(k(0)), first.set(fn.i(1)),
      fn.for(iy, 0, gh.get(), 1, [fn.for(ix, 0, gw.get(), 1, point)]),
      fn.storeF32(fn.shl(oi.get(), 2), fn.num('f32', 'demote', a.max ? acc.get() : d('div', acc.get(), count())), y.addr),
      oi.set(fn.add(oi.get(), 1)),
    ];
    const perRoi: Expr[] = [
      sw.set(coord(0)), sh.set(coord(1)),
      bw.set(d('div', size(coord(2), sw), k(a.OW))), bh.set(d('div', size(coord(3), sh), k(a.OH))),
      gh.set(grid(bh)), gw.set(grid(bw)),
      fn.for(c, 0, C, 1, [
        base.set(fn.mul(fn.add(fn.mul(fn.num('i32', 'wrap', fn.loadI64(fn.shl(r.get(), 3), batch.addr)), C), c.get()), H * W)),
        fn.for(ph, 0, a.OH, 1, [fn.for(pw, 0, a.OW, 1, bin)]),
      ]),
    ];
    return [oi.set(fn.i(0)), fn.for(r, 0, R, 1, perRoi)];
  },
});
