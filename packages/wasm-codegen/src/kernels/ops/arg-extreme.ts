// ArgMax / ArgMin for every numeric dtype, and the "index of the best element" scan that Hardmax
// shares. The input is viewed as [outer, n, inner]; each (outer, inner) position scans its n
// elements (stride inner) keeping the best value and its index. ArgMax/ArgMin compare floats
// plainly, as onnxruntime does (a NaN wins only as the first element); Hardmax makes NaN the
// extreme (the first NaN), as its reference evaluate does.
import { argExtremeAttrs, axisView } from '@onnx2wasm/ir';
import { KernelHost, registerLowering, staticView, unsupported } from '../../lowering.js';
import { Expr, Local } from '../../wasm-builder.js';
import { ScalarType, scalarType } from '../emit/scalar-types.js';
import { stridedLoops } from '../emit/strided-loops.js';

/** Whether value `x` at a later index replaces `best`. */
function replaces(ctx: KernelHost, t: ScalarType, x: () => Expr, best: () => Expr, max: boolean, last: boolean, nanIsExtreme: boolean): Expr {
  const { fn } = ctx;
  const base = max ? (last ? 'ge' : 'gt') : (last ? 'le' : 'lt');
  if (!t.float) return fn.num(t.wasm, `${base}_${t.signed ? 's' : 'u'}`, x(), best());
  const isNum = (v: () => Expr) => fn.num(t.wasm, 'eq', v(), v());
  const better = fn.num(t.wasm, base, x(), best());
  if (!nanIsExtreme) return better;
  // first: best is a number and (x is NaN or x is better); last: x is NaN, or best is a number and x is at least as good.
  return last
    ? fn.or(fn.eqz(isNum(x)), fn.and(isNum(best), better))
    : fn.and(isNum(best), fn.or(fn.eqz(isNum(x)), better));
}

/**
 * Scans n elements of type t from px (byte stride `stride`) and leaves the index of the best one
 * in `index`; `nanIsExtreme` as in the IR's replacesBest.
 */
export function bestIndex(ctx: KernelHost, t: ScalarType, px: () => Expr, n: number, stride: number, max: boolean, last: boolean, index: Local, nanIsExtreme = false): Expr[] {
  const { fn } = ctx;
  const k = fn.local('i32'), best = fn.local(t.wasm), v = fn.local(t.wasm);
  return [
    best.set(t.load(ctx, px())),
    index.set(fn.i(0)),
    fn.for(k, 1, n, 1, [
      v.set(t.load(ctx, fn.add(px(), fn.mul(k.get(), stride)))),
      fn.if(replaces(ctx, t, () => v.get(), () => best.get(), max, last, nanIsExtreme), [best.set(v.get()), index.set(k.get())]),
    ]),
  ];
}

registerLowering({
  ops: ['ArgMax', 'ArgMin'],
  lower(context) {
    const ctx = staticView(context);
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    const t = scalarType(x.dtype);
    if (!t) unsupported(ctx, `dtype ${x.dtype}`);
    const attrs = argExtremeAttrs(node);
    const { outer, n, inner } = axisView(node, x.dims, attrs.axis);
    const last = attrs.selectLastIndex;
    const index = fn.local('i32');
    const dims = [{ count: outer, strides: [n * inner * t.bytes, inner * 8] }, { count: inner, strides: [t.bytes, 8] }];
    return stridedLoops(fn, [x.addr, y.addr], dims, ([px, py]) => [
      ...bestIndex(ctx, t, px!, n, inner * t.bytes, node.op === 'ArgMax', last, index),
      fn.storeI64(py!(), fn.i32ToI64(index.get())),
    ]);
  },
});
