// DeformConv (2-D, float32): scalar loops mirroring the reference. Per output element, per input
// channel of its group and per tap: read the tap's (dy, dx) offset and mask, sample X bilinearly
// with zeros outside (each corner checked against the image), and accumulate weight * value * mask.
import { deformGeometry } from '@onnx2wasm/ir';
import { registerLowering, staticView, unsupported } from '../../lowering.js';
import { Expr, Local, type NumOp } from '../../wasm-builder.js';

registerLowering({
  ops: ['DeformConv'],
  lower(context) {
    const ctx = staticView(context);
    const { fn, node } = ctx;
    const [x, w, offset, bias, mask] = ctx.inputs;
    const y = ctx.outputs[0]!;
    if (y.dtype !== 'float32') unsupported(ctx, `dtype ${y.dtype}`);
    const g = deformGeometry(node, w!.dims);
    const [N, C, H, W] = x!.dims as [number, number, number, number];
    const [, M, OH, OW] = y.dims as [number, number, number, number];
    const Cg = C / g.group, Mg = M / g.group, Cog = C / g.og, taps = g.kh * g.kw, P = OH * OW;
    const [n, m, i, j, cg, c, t, ky, kx, y0, x0, oi, ogBase] = Array.from({ length: 13 }, () => fn.local('i32'));
    const [acc, py, px, ly, lx, v] = Array.from({ length: 6 }, () => fn.local('f32'));
    const f = (op: NumOp<'f32'>, ...args: Expr[]) => fn.num('f32', op, ...args);
    const kf = (val: number) => fn.constOf('f32', val);
    const i2f = (e: Expr) => f('convert_s.i32', e);
    // Element (i, j) of channel `ch` of a [N, *, OH, OW] tensor at `addr`.
    const perPos = (addr: number, ch: () => Expr) => fn.loadF32(fn.shl(fn.add(fn.mul(ch(), P), fn.add(fn.mul(i.get(), OW), j.get())), 2), addr);
    // select evaluates both arms, so an outside corner reads the plane's first element (always
    // in bounds) and the select then drops it.
    const inside = (r: () => Expr, col: () => Expr) => fn.and(fn.ltU(r(), H), fn.ltU(col(), W));
    const corner = (r: () => Expr, col: () => Expr): Expr => fn.select(
      inside(r, col),
      fn.loadF32(fn.shl(fn.add(fn.mul(fn.add(fn.mul(n.get(), C), c.get()), H * W), fn.selectI(inside(r, col), fn.add(fn.mul(r(), W), col()), 0)), 2), x!.addr),
      kf(0),
    );
    const lerp = (a: Expr, b: Expr, l: Local) => f('add', f('mul', f('sub', kf(1), l.get()), a), f('mul', l.get(), b));
    const tapBody: Expr[] = [
      ky.set(fn.divU(t.get(), g.kw)), kx.set(fn.remU(t.get(), g.kw)),
      // Offset channels of this tap: 2 * (og * taps + t) for dy, + 1 for dx.
      py.set(f('add', i2f(fn.add(fn.sub(fn.mul(i.get(), g.sh), g.pt), fn.mul(ky.get(), g.dh))), perPos(offset!.addr, () => fn.mul(fn.add(ogBase.get(), t.get()), 2)))),
      px.set(f('add', i2f(fn.add(fn.sub(fn.mul(j.get(), g.sw), g.pl), fn.mul(kx.get(), g.dw))), perPos(offset!.addr, () => fn.add(fn.mul(fn.add(ogBase.get(), t.get()), 2), 1)))),
      y0.set(fn.num('i32', 'trunc_s.f32', f('floor', py.get()))), x0.set(fn.num('i32', 'trunc_s.f32', f('floor', px.get()))),
      ly.set(f('sub', py.get(), i2f(y0.get()))), lx.set(f('sub', px.get(), i2f(x0.get()))),
      v.set(lerp(
        lerp(corner(() => y0.get(), () => x0.get()), corner(() => y0.get(), () => fn.add(x0.get(), 1)), lx),
        lerp(corner(() => fn.add(y0.get(), 1), () => x0.get()), corner(() => fn.add(y0.get(), 1), () => fn.add(x0.get(), 1)), lx),
        ly,
      )),
      ...(mask ? [v.set(f('mul', v.get(), perPos(mask.addr, () => fn.add(ogBase.get(), t.get()))))] : []),
      acc.set(f('add', acc.get(), f('mul', v.get(), fn.loadF32(fn.shl(fn.add(fn.mul(fn.add(fn.mul(m.get(), Cg), cg.get()), taps), t.get()), 2), w!.addr)))),
    ];
    const perOutput: Expr[] = [
      acc.set(bias ? fn.loadF32(fn.shl(m.get(), 2), bias.addr) : kf(0)),
      fn.for(cg, 0, Cg, 1, [
        c.set(fn.add(fn.mul(fn.divU(m.get(), Mg), Cg), cg.get())),
        // (n * og + offset group of c) * taps: the first offset/mask "tap channel" of this channel's offset group.
        ogBase.set(fn.mul(fn.add(fn.mul(n.get(), g.og), fn.divU(c.get(), Cog)), taps)),
        fn.for(t, 0, taps, 1, tapBody),
      ]),
      fn.storeF32(fn.shl(oi.get(), 2), acc.get(), y.addr),
      oi.set(fn.add(oi.get(), 1)),
    ];
    return [oi.set(fn.i(0)), fn.for(n, 0, N, 1, [fn.for(m, 0, M, 1, [fn.for(i, 0, OH, 1, [fn.for(j, 0, OW, 1, perOutput)])])])];
  },
});
