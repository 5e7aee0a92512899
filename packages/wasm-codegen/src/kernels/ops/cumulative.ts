// CumSum / CumProd along one axis, viewed as [outer, n, inner]: each (outer, inner) position runs an
// accumulator through its n elements (backwards with reverse), storing the value before (exclusive)
// or after adding each element. With float32 and inner ≥ 4 four neighbouring positions run
// together in the lanes of one f32x4 accumulator; everything else (and run-time dims) one element
// at a time.
import { axisView, cumulativeAttrs, dimMul, dimProduct, normalizeAxis, sizeOf } from '@onnx2wasm/ir';
import { LowerContext, registerLowering, staticViewIfAny, unsupported } from '../../lowering.js';
import { Expr } from '../../wasm-builder.js';
import { scalarType } from '../emit/scalar-types.js';
import { stridedLoops } from '../emit/strided-loops.js';

registerLowering({
  ops: ['CumSum', 'CumProd'],
  runTimeDims: true,
  lower(context) {
    const ctx = staticViewIfAny(context);
    if (!ctx) return lowerCumulativeRunTime(context);
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    const t = scalarType(x.dtype);
    if (!t) unsupported(ctx, `dtype ${x.dtype}`);
    if (sizeOf(x.dims) === 0) return [];
    const { axis, exclusive, reverse } = cumulativeAttrs(node);
    const { outer, n, inner } = axisView(node, x.dims, axis);
    const product = node.op === 'CumProd';
    const stride = inner * t.bytes;
    const s = fn.local('i32');
    // Byte offset of step s along the axis (walking backwards with reverse).
    const offset = () => fn.mul(reverse ? fn.sub(n - 1, s.get()) : s.get(), stride);

    const scalarRun = (px: () => Expr, py: () => Expr): Expr[] => {
      const acc = fn.local(t.wasm), next = fn.local(t.wasm);
      return [
        acc.set(fn.constOf(t.wasm, product ? 1 : 0)),
        fn.for(s, 0, n, 1, [
          next.set(fn.num(t.wasm, product ? 'mul' : 'add', acc.get(), t.load(ctx, fn.add(px(), offset())))),
          t.store(ctx, fn.add(py(), offset()), exclusive ? acc.get() : next.get()),
          acc.set(next.get()),
        ]),
      ];
    };
    const vectorRun = (px: () => Expr, py: () => Expr): Expr[] => {
      const acc = fn.local('v128'), next = fn.local('v128');
      return [
        acc.set(fn.vconst(product ? 1 : 0)),
        fn.for(s, 0, n, 1, [
          next.set(product ? fn.vmul(acc.get(), fn.vload(fn.add(px(), offset()))) : fn.vadd(acc.get(), fn.vload(fn.add(px(), offset())))),
          fn.vstore(fn.add(py(), offset()), exclusive ? acc.get() : next.get()),
          acc.set(next.get()),
        ]),
      ];
    };

    const rows = [{ count: outer, strides: [n * stride, n * stride] }];
    if (t.dtype !== 'float32' || inner < 4) {
      return stridedLoops(fn, [x.addr, y.addr], [...rows, { count: inner, strides: [t.bytes, t.bytes] }], ([px, py]) => scalarRun(px!, py!));
    }
    const inner4 = inner - (inner % 4);
    const i = fn.local('i32');
    return stridedLoops(fn, [x.addr, y.addr], rows, ([px, py]) => {
      const sx = () => fn.add(px!(), fn.shl(i.get(), 2)), sy = () => fn.add(py!(), fn.shl(i.get(), 2));
      return [fn.for(i, 0, inner4, 4, vectorRun(sx, sy)), fn.for(i, inner4, inner, 1, scalarRun(sx, sy))];
    });
  },
});

/**
 * Run-time dims (RoBERTa's position ids: a CumSum of the mask along the sequence): one element at
 * a time, with the outer, axis and inner extents read from the dims table.
 */
function lowerCumulativeRunTime(ctx: LowerContext): Expr[] {
  const { fn, node } = ctx;
  const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
  const t = scalarType(x.dtype);
  if (!t) unsupported(ctx, `dtype ${x.dtype}`);
  const lc = ctx;
  const { axis, exclusive, reverse } = cumulativeAttrs(node);
  const a = normalizeAxis(node, axis, x.shape.length);
  const n = x.shape[a]!, inner = dimProduct(x.shape.slice(a + 1));
  const stride = dimMul(inner, t.bytes);
  const product = node.op === 'CumProd';
  const s = fn.local('i32'), acc = fn.local(t.wasm), next = fn.local(t.wasm);
  const offset = () => fn.mul(reverse ? fn.sub(fn.sub(ctx.dim(n), 1), s.get()) : s.get(), ctx.dim(stride));
  const loops = [
    { count: ctx.dim(dimProduct(x.shape.slice(0, a))), strides: [ctx.dim(dimMul(n, stride)), ctx.dim(dimMul(n, stride))] },
    { count: ctx.dim(inner), strides: [t.bytes, t.bytes] },
  ];
  return stridedLoops(fn, [() => x.addr(), () => y.addr()], loops, ([px, py]) => [
    acc.set(fn.constOf(t.wasm, product ? 1 : 0)),
    fn.for(s, 0, ctx.dim(n), 1, [
      next.set(fn.num(t.wasm, product ? 'mul' : 'add', acc.get(), t.load(lc, fn.add(px!(), offset())))),
      t.store(lc, fn.add(py!(), offset()), exclusive ? acc.get() : next.get()),
      acc.set(next.get()),
    ]),
  ]);
}
