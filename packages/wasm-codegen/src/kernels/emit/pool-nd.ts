// MaxPool and AveragePool over 3 or more spatial axes, and MaxPool with its Indices output or a
// dtype other than float32 at any rank (AveragePool is float32 only): the scalar N-D window loop of window-nd.ts. Max propagates NaN like the reference
// (a NaN tap wins and stays); Indices are flat offsets into the whole input tensor (spatial axes
// row-major, or column-major with storage_order 1) of the first tap holding the maximum.
import { poolAttrs, stridesOf } from '@onnx2wasm/ir';
import { StaticContext, StaticOperand, unsupported } from '../../lowering.js';
import { scalarType } from './scalar-types.js';
import { Expr, type NumOp, type NumType } from '../../wasm-builder.js';
import { emitNdWindow, ndGeometry, planeSizes } from './window-nd.js';

export function lowerPoolNd(ctx: StaticContext, x: StaticOperand, y: StaticOperand, kernel: number[]): Expr[] {
  const { fn, node } = ctx;
  const g = ndGeometry(node, x.dims, y.dims, kernel);
  const { planeIn } = planeSizes(g);
  const [N, C] = x.dims as [number, number];
  const plane = fn.local('i32'), oi = fn.local('i32'), acc = fn.local('f32'), count = fn.local('i32');
  const best = fn.local('i32');
  const indices = ctx.outputs[1];
  // storage_order=1: Indices count the spatial axes column-major, so the taps walk the plane that way.
  if (indices && poolAttrs(node).columnMajorIndices) g.indexStrides = stridesOf([...g.inSp].reverse()).reverse();
  const load = (xi: Expr) => fn.loadF32(fn.shl(fn.add(fn.mul(plane.get(), planeIn), xi), 2), x.addr);
  let spec: Parameters<typeof emitNdWindow>[3];
  if (node.op === 'MaxPool') {
    const t = scalarType(x.dtype);
    if (!t) unsupported(ctx, `dtype ${x.dtype}`);
    const m = fn.local(t.wasm), e = fn.local(t.wasm);
    const op = (name: NumOp<NumType>, ...args: Expr[]) => fn.num(t.wasm, name, ...args);
    // Floats: take the tap when the max is still a number and the tap is NaN or larger. Integers: larger.
    const larger = t.float
      ? fn.and(op('eq', m.get(), m.get()), fn.or(op('ne', e.get(), e.get()), op('gt', e.get(), m.get())))
      : op(t.signed ? 'gt_s' : 'gt_u', e.get(), m.get());
    spec = {
      begin: () => [m.set(fn.constOf(t.wasm, t.float ? -Infinity : 0)), best.set(fn.i(-1))],
      tap: (at) => [fn.if(at.inside.get(), [
        e.set(t.load(ctx, fn.add(fn.mul(fn.add(fn.mul(plane.get(), planeIn), at.xi.get()), t.bytes), x.addr))),
        // The first tap inside always wins.
        fn.if(fn.or(fn.ltS(best.get(), 0), larger), [m.set(e.get()), best.set(at.index.get())]),
      ])],
      end: () => [
        t.store(ctx, fn.add(fn.mul(oi.get(), t.bytes), y.addr), m.get()),
        ...(indices ? [fn.storeI64(fn.shl(oi.get(), 3), fn.num('i64', 'extend_s', fn.add(fn.mul(plane.get(), planeIn), best.get())), indices.addr)] : []),
      ],
    };
  } else {
    if (x.dtype !== 'float32') unsupported(ctx, `dtype ${x.dtype}`);
    const includePad = poolAttrs(node).countIncludePad;
    spec = {
      begin: () => [acc.set(fn.constOf('f32', 0)), count.set(fn.i(0))],
      tap: (at) => [
        fn.if(at.inside.get(), [acc.set(fn.fadd(acc.get(), load(at.xi.get())))]),
        count.set(fn.add(count.get(), (includePad ? at.insidePadded : at.inside).get())),
      ],
      end: () => [fn.storeF32(fn.shl(oi.get(), 2), fn.fdiv(acc.get(), fn.num('f32', 'convert_s.i32', count.get())), y.addr)],
    };
  }
  return [oi.set(fn.i(0)), fn.for(plane, 0, N * C, 1, emitNdWindow(fn, g, oi, spec))];
}
