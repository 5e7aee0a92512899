// ScatterElements: copies data to the output, then walks indices and updates in order with an
// output pointer that follows every dim but the axis; each element lands index × axis stride
// further, stored or reduced (add/mul/max/min). Any dtype; out-of-range indices trap. With
// run-time dims (MaxUnpool into an output_shape fed at run time) each index element's coordinates
// are taken apart from its flat position and the strides read at run time.
import { DTYPE_BYTES, attrInt, normalizeAxis, scatterReduction, stridesOf } from '@onnx2wasm/ir';
import { LowerContext, byteSize, registerLowering, staticViewIfAny, unsupported } from '../../lowering.js';
import { Expr } from '../../wasm-builder.js';
import { loadIndex, reduceLocals, reduceStore } from '../emit/index-util.js';
import { scalarType } from '../emit/scalar-types.js';
import { copyElement, mergeDims, stridedLoops } from '../emit/strided-loops.js';

function lowerRunTime(ctx: LowerContext): Expr[] {
  const { fn, node } = ctx;
  const x = ctx.inputs[0]!, ind = ctx.inputs[1]!, upd = ctx.inputs[2]!, y = ctx.outputs[0]!;
  const rank = x.shape.length;
  const axis = normalizeAxis(node, attrInt(node, 'axis'), rank);
  const r = scatterReduction(node, x.dtype);
  const t = scalarType(x.dtype);
  if (!t) unsupported(ctx, `dtype ${x.dtype}`);
  const elem = DTYPE_BYTES[x.dtype], ie = DTYPE_BYTES[ind.dtype];
  const e = fn.local('i32'), rest = fn.local('i32'), i = fn.local('i32'), at = fn.local('i32');
  const l = r === 'none' ? undefined : reduceLocals(fn, t);
  // Coordinates of index element e, last dim first: every dim but the axis adds its x stride.
  const body: Expr[] = [rest.set(e.get()), at.set(fn.i(y.addr()))];
  for (let d = rank - 1; d >= 0; d--) {
    if (d !== axis) body.push(at.set(fn.add(at.get(), fn.mul(fn.mul(fn.remU(rest.get(), ind.dim(d)), x.count(d + 1)), elem))));
    if (d > 0) body.push(rest.set(fn.divU(rest.get(), ind.dim(d))));
  }
  body.push(...loadIndex(fn, ind.dtype, () => fn.add(fn.i(ind.addr()), fn.mul(e.get(), ie)), () => x.dim(axis), i));
  body.push(at.set(fn.add(at.get(), fn.mul(i.get(), fn.mul(x.count(axis + 1), elem)))));
  const u = () => fn.add(fn.i(upd.addr()), fn.mul(e.get(), elem));
  body.push(...(r === 'none' ? [copyElement(fn, x.dtype, at.get(), u())] : reduceStore(ctx, t, r, () => at.get(), t.load(ctx, u()), l!)));
  return [fn.copy(y.addr(), x.addr(), fn.mul(x.count(), elem)), fn.for(e, 0, ind.count(), 1, body)];
}

registerLowering({
  ops: ['ScatterElements'],
  runTimeDims: true,
  lower(context) {
    const ctx = staticViewIfAny(context);
    if (!ctx) return lowerRunTime(context);
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!, ind = ctx.inputs[1]!, upd = ctx.inputs[2]!, y = ctx.outputs[0]!;
    const axis = normalizeAxis(node, attrInt(node, 'axis'), x.dims.length);
    const r = scatterReduction(node, x.dtype);
    const t = scalarType(x.dtype);
    if (!t) unsupported(ctx, `dtype ${x.dtype}`);
    const elem = DTYPE_BYTES[x.dtype], ie = DTYPE_BYTES[ind.dtype];
    const xs = stridesOf(x.dims), is = stridesOf(ind.dims);
    const init = byteSize(x) ? [fn.copy(y.addr, x.addr, byteSize(x))] : [];
    if (ind.dims.some((d) => d === 0)) return init;
    const loops = mergeDims(ind.dims.map((count, d) => ({ count, strides: [is[d]! * elem, is[d]! * ie, d === axis ? 0 : xs[d]! * elem] })));
    const i = fn.local('i32'), at = fn.local('i32');
    const l = r === 'none' ? undefined : reduceLocals(fn, t);
    return [...init, ...stridedLoops(fn, [upd.addr, ind.addr, y.addr], loops, ([u, p, o]) => [
      ...loadIndex(fn, ind.dtype, p!, x.dims[axis]!, i),
      at.set(fn.add(o!(), fn.mul(i.get(), xs[axis]! * elem))),
      ...(r === 'none' ? [copyElement(fn, x.dtype, at.get(), u!())] : reduceStore(ctx, t, r, () => at.get(), t.load(ctx, u!()), l!)),
    ])];
  },
});
