// TopK by insertion into the outputs, which always hold the best-so-far in order. Per (outer,
// inner) position, each of the n elements is compared with the current k-th best; one that beats
// it (or any while fewer than k are held) goes to position p = the number of held entries that
// are not worse than it, after moving the worse ones down a place. Comparisons are strict, so equal
// values keep index order (lower index first); NaN ranks above every number, as in the reference.
import { axisView, sizeOf, topKAttrs } from '@onnx2wasm/ir';
import { registerLowering, staticViewIfAny, unsupported } from '../../lowering.js';
import { Expr } from '../../wasm-builder.js';
import { scalarType } from '../emit/scalar-types.js';
import { topKBefore } from '../emit/top-k-order.js';
import { stridedLoops } from '../emit/strided-loops.js';
import { lowerTopKDynamic, topKComputedDims } from '../emit/top-k-dynamic.js';

registerLowering({
  ops: ['TopK'],
  runTimeDims: true,
  // Run-time dims and a run-time k (the (x, k) form, a value-dependent dim) take the i32 kernel.
  computedDims: topKComputedDims,
  lower(context) {
    const ctx = staticViewIfAny(context);
    if (!ctx) return lowerTopKDynamic(context);
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!, values = ctx.outputs[0]!, indices = ctx.outputs[1]!;
    const t = scalarType(x.dtype);
    if (!t) unsupported(ctx, `dtype ${x.dtype}`);
    const attrs = topKAttrs(node);
    const { axis, outer, n, inner } = axisView(node, x.dims, attrs.axis);
    // The static output dims hold k, whether the attribute or a compile-time input gave it.
    const k = values.dims[axis]!, largest = attrs.largest;
    if (k === 0 || sizeOf(values.dims) === 0) return [];
    const xs = inner * t.bytes, vs = inner * t.bytes, is = inner * 8;
    const j = fn.local('i32'), q = fn.local('i32'), r = fn.local('i32'), p = fn.local('i32'), held = fn.local('i32');
    const v = fn.local(t.wasm), last = fn.local('i32');
    const dims = [
      { count: outer, strides: [n * xs, k * vs, k * is] },
      { count: inner, strides: [t.bytes, t.bytes, 8] },
    ];
    return stridedLoops(fn, [x.addr, values.addr, indices.addr], dims, ([px, pv, pi]) => {
      const val = (r: () => Expr) => fn.add(pv!(), fn.mul(r(), vs));
      const idx = (r: () => Expr) => fn.add(pi!(), fn.mul(r(), is));
      const heldAt = (r: () => Expr) => () => t.load(ctx, val(r));
      return [
        held.set(fn.i(0)),
        fn.for(j, 0, n, 1, [
          v.set(t.load(ctx, fn.add(px!(), fn.mul(j.get(), xs)))),
          fn.if(fn.or(fn.ltS(held.get(), k), topKBefore(ctx, t, () => v.get(), heldAt(() => fn.i(k - 1)), largest)), [
            // Both loops run over the constant range 0..k and skip what is out of bounds: FnBuilder.for
            // would read a non-constant end expression twice.
            p.set(fn.i(0)),
            fn.for(q, 0, k, 1, [
              fn.if(fn.ltS(q.get(), held.get()), [p.set(fn.add(p.get(), fn.eqz(topKBefore(ctx, t, () => v.get(), heldAt(() => q.get()), largest))))]),
            ]),
            // Entries p .. last-1 move down one place, the highest first; the k-th falls off.
            last.set(fn.selectI(fn.ltS(held.get(), k), held.get(), k - 1)),
            fn.for(r, 0, k - 1, 1, [
              q.set(fn.sub(k - 2, r.get())),
              fn.if(fn.and(fn.geS(q.get(), p.get()), fn.ltS(q.get(), last.get())), [
                t.store(ctx, val(() => fn.add(q.get(), 1)), t.load(ctx, val(() => q.get()))),
                fn.storeI64(idx(() => fn.add(q.get(), 1)), fn.loadI64(idx(() => q.get()))),
              ]),
            ]),
            t.store(ctx, val(() => p.get()), v.get()),
            fn.storeI64(idx(() => p.get()), fn.i32ToI64(j.get())),
            held.set(fn.selectI(fn.ltS(held.get(), k), fn.add(held.get(), 1), held.get())),
          ]),
        ]),
      ];
    });
  },
});
