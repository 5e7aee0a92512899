// Range: element i = start + i * delta, with start and delta read at run time (the length is
// static). Floats are computed in f64 and rounded once on store. Usually folded away, since the
// length needs the inputs' values at compile time anyway.
import { registerLowering, unsupported } from '../lowering.js';
import { Expr } from '../wasm-builder.js';
import { scalarType } from './scalar-types.js';

registerLowering({
  ops: ['Range'],
  lower(ctx) {
    const { fn } = ctx;
    const [s, , d] = ctx.inputs, y = ctx.outputs[0]!;
    const t = scalarType(y.dtype);
    if (!t) unsupported(ctx, `dtype ${y.dtype}`);
    const n = y.dims[0]!;
    if (n === 0) return [];
    const i = fn.local('i32');
    const wide = t.float ? 'f64' : t.wasm;
    const start = fn.local(wide), delta = fn.local(wide);
    const widen = (v: Expr) => (t.wasm === 'f32' ? fn.num('f64', 'promote', v) : v);
    const index = (): Expr => (wide === 'f64' ? fn.num('f64', 'convert_s.i32', i.get()) : wide === 'i64' ? fn.i32ToI64(i.get()) : i.get());
    const value = fn.num(wide, 'add', start.get(), fn.num(wide, 'mul', index(), delta.get()));
    return [
      start.set(widen(t.load(ctx, s!.addr))),
      delta.set(widen(t.load(ctx, d!.addr))),
      fn.for(i, 0, n, 1, [t.store(ctx, fn.mul(i.get(), t.bytes), t.wasm === 'f32' ? fn.num('f32', 'demote', value) : value, y.addr)]),
    ];
  },
});
