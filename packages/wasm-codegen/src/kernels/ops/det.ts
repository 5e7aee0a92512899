// Det: each matrix is copied into scratch as float64 and reduced by Gaussian elimination with
// partial pivoting (the reference's algorithm, so rounding follows it); the determinant is the
// product of the pivots, negated per row swap. O(M^3) scalar code: Det matrices are small.
import { sizeOf } from '@onnx2wasm/ir';
import { registerLowering, staticView, unsupported } from '../../lowering.js';
import { Expr, type NumOp } from '../../wasm-builder.js';
import { scalarType } from '../emit/scalar-types.js';

registerLowering({
  ops: ['Det'],
  scratchBytes(_node, [x]) {
    const M = x!.dims[x!.dims.length - 1]!;
    return 8 * M * M;
  },
  lower(context) {
    const ctx = staticView(context);
    const { fn } = ctx;
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    const t = scalarType(x.dtype);
    if (!t?.float) unsupported(ctx, `dtype ${x.dtype}`);
    const M = x.dims[x.dims.length - 1]!, batch = sizeOf(y.dims), a = ctx.scratch;
    if (batch === 0) return [];
    const b = fn.local('i32'), i = fn.local('i32'), j = fn.local('i32'), k = fn.local('i32'), p = fn.local('i32');
    const det = fn.local('f64'), pivot = fn.local('f64'), f = fn.local('f64'), tmp = fn.local('f64');
    const f64 = (op: NumOp<'f64'>, ...args: Expr[]) => fn.num('f64', op, ...args);
    const toF64 = (v: Expr) => (t.wasm === 'f64' ? v : f64('promote', v));
    // Byte address of a[row][col] in scratch.
    const at = (row: () => Expr, col: () => Expr) => fn.add(fn.shl(fn.add(fn.mul(row(), M), col()), 3), a);
    const el = (row: () => Expr, col: () => Expr) => fn.loadF64(at(row, col));
    const abs = (v: Expr) => f64('abs', v);
    const eliminate: Expr[] = [
      // Pivot: the row at or below k with the largest |a[i][k]|.
      p.set(k.get()),
      fn.for(i, fn.add(k.get(), 1), M, 1, [
        fn.if(f64('gt', abs(el(() => i.get(), () => k.get())), abs(el(() => p.get(), () => k.get()))), [p.set(i.get())]),
      ]),
      fn.if(fn.ne(p.get(), k.get()), [
        fn.for(j, 0, M, 1, [
          tmp.set(el(() => k.get(), () => j.get())),
          fn.storeF64(at(() => k.get(), () => j.get()), el(() => p.get(), () => j.get())),
          fn.storeF64(at(() => p.get(), () => j.get()), tmp.get()),
        ]),
        det.set(f64('neg', det.get())),
      ]),
      pivot.set(el(() => k.get(), () => k.get())),
      det.set(f64('mul', det.get(), pivot.get())),
      fn.if(f64('ne', pivot.get(), fn.constOf('f64', 0)), [
        fn.for(i, fn.add(k.get(), 1), M, 1, [
          f.set(f64('div', el(() => i.get(), () => k.get()), pivot.get())),
          fn.for(j, fn.add(k.get(), 1), M, 1, [
            fn.storeF64(at(() => i.get(), () => j.get()), f64('sub', el(() => i.get(), () => j.get()), f64('mul', f.get(), el(() => k.get(), () => j.get())))),
          ]),
        ]),
      ]),
    ];
    const perMatrix: Expr[] = [
      fn.for(i, 0, M * M, 1, [
        fn.storeF64(fn.add(fn.shl(i.get(), 3), a), toF64(t.load(ctx, fn.add(fn.mul(fn.add(fn.mul(b.get(), M * M), i.get()), t.bytes), x.addr)))),
      ]),
      det.set(fn.constOf('f64', 1)),
      fn.for(k, 0, M, 1, eliminate),
      t.store(ctx, fn.add(fn.mul(b.get(), t.bytes), y.addr), t.wasm === 'f64' ? det.get() : fn.num('f32', 'demote', det.get())),
    ];
    return [fn.for(b, 0, batch, 1, perMatrix)];
  },
});
