// NegativeLogLikelihoodLoss, float32 input, int32/int64 targets: one pass over the (n, d)
// positions. Ignored targets give 0 and do not count; a target outside [0, C) traps. Sums for the
// 'sum' / 'mean' reductions are accumulated in f64.
import { ignoreIndex, lossReduction, sizeOf } from '@onnx2wasm/ir';
import { registerLowering, staticView, unsupported } from '../../lowering.js';
import { Expr } from '../../wasm-builder.js';

registerLowering({
  ops: ['NegativeLogLikelihoodLoss'],
  lower(context) {
    const ctx = staticView(context);
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!, target = ctx.inputs[1]!, weight = ctx.inputs[2], y = ctx.outputs[0]!;
    if (x.dtype !== 'float32') unsupported(ctx, `dtype ${x.dtype}`);
    const [N, C] = x.dims as [number, number];
    const D = sizeOf(x.dims.slice(2));
    const reduction = lossReduction(node), ignored = ignoreIndex(node);
    const wide = target.dtype === 'int64';
    const n = fn.local('i32'), d = fn.local('i32'), pos = fn.local('i32');
    const t64 = fn.local('i64'), t = fn.local('i32'), w = fn.local('f32'), l = fn.local('f32');
    const sum = fn.local('f64'), wsum = fn.local('f64');
    const cls = (v: number) => fn.constOf('i64', v);

    const body: Expr[] = [
      pos.set(fn.add(fn.mul(n.get(), D), d.get())),
      t64.set(wide ? fn.loadI64(fn.shl(pos.get(), 3), target.addr) : fn.i32ToI64(fn.loadI32(fn.shl(pos.get(), 2), target.addr))),
    ];
    const counted: Expr[] = [
      fn.if(fn.num('i32', 'or', fn.num('i64', 'lt_s', t64.get(), cls(0)), fn.num('i64', 'ge_s', t64.get(), cls(C))), [fn.failCheck()]),
      t.set(fn.i64ToI32(t64.get())),
      w.set(weight ? fn.loadF32(fn.shl(t.get(), 2), weight.addr) : fn.f32(1)),
      l.set(fn.fmul(fn.fneg(fn.loadF32(fn.shl(fn.add(fn.mul(fn.add(fn.mul(n.get(), C), t.get()), D), d.get()), 2), x.addr)), w.get())),
    ];
    if (reduction === 'none') counted.push(fn.storeF32(fn.shl(pos.get(), 2), l.get(), y.addr));
    else counted.push(
      sum.set(fn.num('f64', 'add', sum.get(), fn.num('f64', 'promote', l.get()))),
      wsum.set(fn.num('f64', 'add', wsum.get(), fn.num('f64', 'promote', w.get()))),
    );
    if (ignored === undefined) body.push(...counted);
    else {
      const skip = reduction === 'none' ? [fn.storeF32(fn.shl(pos.get(), 2), fn.f32(0), y.addr)] : [fn.nop()];
      body.push(fn.if(fn.num('i64', 'eq', t64.get(), cls(ignored)), skip, counted));
    }
    const stmts: Expr[] = [sum.set(fn.constOf('f64', 0)), wsum.set(fn.constOf('f64', 0)), fn.for(n, 0, N, 1, [fn.for(d, 0, D, 1, body)])];
    if (reduction !== 'none') {
      const total = reduction === 'sum' ? sum.get() : fn.num('f64', 'div', sum.get(), wsum.get());
      stmts.push(fn.storeF32(y.addr, fn.num('f32', 'demote', total)));
    }
    return stmts;
  },
});
