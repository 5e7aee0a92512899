// GlobalAveragePool / GlobalMaxPool (float32): each [spatial] plane is reduced with one f32x4
// accumulator over whole vectors, folded to a scalar, then the scalar tail is added.
import { registerLowering, staticView, unsupported } from '../../lowering.js';
import { Expr, FnBuilder, Local } from '../../wasm-builder.js';

function horizontal(fn: FnBuilder, v: Local, max: boolean): Expr {
  if (!max) return fn.vsum(v);
  return fn.fmax(fn.fmax(fn.vextract(v.get(), 0), fn.vextract(v.get(), 1)), fn.fmax(fn.vextract(v.get(), 2), fn.vextract(v.get(), 3)));
}

registerLowering({
  ops: ['GlobalAveragePool', 'GlobalMaxPool'],
  lower(context) {
    const ctx = staticView(context);
    const { node, fn } = ctx;
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    if (y.dtype !== 'float32') unsupported(ctx, `dtype ${y.dtype}`);
    const max = node.op === 'GlobalMaxPool';
    const planes = x.dims[0]! * x.dims[1]!;
    const size = x.dims.slice(2).reduce((a, b) => a * b, 1);
    const full = Math.floor(size / 4) * 4;
    const plane = fn.local('i32'), i = fn.local('i32'), base = fn.local('i32');
    const acc = fn.local('v128'), s = fn.local('f32');
    const combine = (a: Expr, b: Expr) => (max ? fn.fmax(a, b) : fn.fadd(a, b));
    const body: Expr[] = [
      base.set(fn.add(fn.mul(plane.get(), 4 * size), x.addr)),
      acc.set(fn.vconst(max ? -Infinity : 0)),
      fn.for(i, 0, full, 4, [acc.set((max ? fn.vmax : fn.vadd).call(fn, acc.get(), fn.vload(fn.add(base.get(), fn.shl(i.get(), 2)))))]),
      s.set(horizontal(fn, acc, max)),
    ];
    for (let k = full; k < size; k++) body.push(s.set(combine(s.get(), fn.loadF32(base.get(), 4 * k))));
    body.push(fn.storeF32(fn.shl(plane.get(), 2), max ? s.get() : fn.fmul(s.get(), fn.f32(1 / size)), y.addr));
    return [fn.for(plane, 0, planes, 1, body)];
  },
});
