// Trilu: in each row of each matrix the kept columns are one contiguous run, so a row is a zero
// fill, a memory.copy and a zero fill, with the run's bounds computed from the (run-time) k.
// Zero bytes are zero in every dtype.
import { DTYPE_BYTES, sizeOf, triluUpper } from '@onnx2wasm/ir';
import { registerLowering, staticView } from '../../lowering.js';
import { Expr, I32 } from '../../wasm-builder.js';

registerLowering({
  ops: ['Trilu'],
  lower(context) {
    const ctx = staticView(context);
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!, kIn = ctx.inputs[1], y = ctx.outputs[0]!;
    const [h, w] = x.dims.slice(-2) as [number, number];
    const rows = sizeOf(x.dims.slice(0, -1));
    if (rows === 0 || w === 0) return [];
    const elem = DTYPE_BYTES[x.dtype];
    const upper = triluUpper(node);
    const k = fn.local('i32'), row = fn.local('i32'), i = fn.local('i32'), s = fn.local('i32'), e = fn.local('i32');
    const clampW = (v: Expr): Expr[] => [
      s.set(v),
      fn.if(fn.ltS(s.get(), 0), [s.set(fn.i(0))]),
      fn.if(fn.gtS(s.get(), w), [s.set(fn.i(w))]),
    ];
    // k beyond ±(h + w) keeps everything or nothing: clamp it in i64 so i + k cannot overflow i32.
    const bound = h + w;
    const loadK: Expr[] = kIn ? [
      k.set(fn.i64ToI32(fn.select(fn.num('i64', 'gt_s', fn.loadI64(kIn.addr), fn.constOf('i64', bound)), fn.constOf('i64', bound),
        fn.select(fn.num('i64', 'lt_s', fn.loadI64(kIn.addr), fn.constOf('i64', -bound)), fn.constOf('i64', -bound), fn.loadI64(kIn.addr))))),
    ] : [k.set(fn.i(0))];
    const at = (base: number, col: I32) => fn.add(fn.add(base, fn.mul(row.get(), w * elem)), fn.mul(col, elem));
    const start = upper ? fn.add(i.get(), k.get()) : fn.i(0);
    return [
      ...loadK,
      fn.for(row, 0, rows, 1, [
        i.set(fn.remU(row.get(), h)),
        ...(upper ? [...clampW(start), e.set(fn.i(w))] : [...clampW(fn.add(fn.add(i.get(), k.get()), 1)), e.set(s.get()), s.set(fn.i(0))]),
        fn.fill(at(y.addr, 0), 0, fn.mul(s.get(), elem)),
        fn.copy(at(y.addr, s.get()), at(x.addr, s.get()), fn.mul(fn.sub(e.get(), s.get()), elem)),
        fn.fill(at(y.addr, e.get()), 0, fn.mul(fn.sub(w, e.get()), elem)),
      ]),
    ];
  },
});
