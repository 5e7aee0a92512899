// ScatterElements: copies data to the output, then walks indices and updates in order with an
// output pointer that follows every dim but the axis; each element lands index × axis stride
// further, stored or reduced (add/mul/max/min). Any dtype; out-of-range indices trap. One kernel
// for static and run-time dims (Col2Im's run-time form scatters into an image the run sizes): the
// loops' counts and strides are dims, constants when static, read from the dims table otherwise,
// where indices or updates that do not fit the data (dims differ, or exceed the data's off the
// axis) stop the run before anything is written.
import { DTYPE_BYTES, Dim, dimMul, normalizeAxis, scatterElementsAttrs, scatterReduction } from '@onnx2wasm/ir';
import { LowerContext, registerLowering, unsupported } from '../../lowering.js';
import { Expr } from '../../wasm-builder.js';
import { loadIndex, reduceLocals, reduceStore } from '../emit/index-util.js';
import { scalarType } from '../emit/scalar-types.js';
import { DimLoop, copyElement, dimStrides, loopsI32, mergeDims, stridedLoops } from '../emit/strided-loops.js';

/** One kernel for static and run-time dims: counts and strides are dims, constants when static. */
function lowerScatterElements(ctx: LowerContext): Expr[] {
  const { fn, node } = ctx;
  const x = ctx.inputs[0]!, ind = ctx.inputs[1]!, upd = ctx.inputs[2]!, y = ctx.outputs[0]!;
  const rank = x.shape.length;
  const axis = normalizeAxis(node, scatterElementsAttrs(node).axis, rank);
  const r = scatterReduction(node, x.dtype);
  const t = scalarType(x.dtype);
  if (!t) unsupported(ctx, `dtype ${x.dtype}, with run-time dims`);
  const elem = DTYPE_BYTES[x.dtype], ie = DTYPE_BYTES[ind.dtype];
  const xs = dimStrides(x.shape), is = dimStrides(ind.shape), us = dimStrides(upd.shape);
  const bytes = (d: Dim, size: number) => dimMul(d, size);
  // Updates must have the indices' dims, and neither may pass the data's dims off the axis
  // (inference proves it for static shapes; run-time ones are checked before anything is written).
  const fits = x.static && ind.static && upd.static ? [] : [...Array(rank).keys()].map((d) => fn.or(
    fn.ne(ind.dim(d), upd.dim(d)),
    d === axis ? 0 : fn.gtS(ind.dim(d), x.dim(d)),
  ));
  const loops: DimLoop[] = mergeDims(ind.shape.map((count, d) => ({
    count, strides: [bytes(us[d]!, elem), bytes(is[d]!, ie), d === axis ? 0 : bytes(xs[d]!, elem)],
  })));
  const i = fn.local('i32'), at = fn.local('i32');
  const l = r === 'none' ? undefined : reduceLocals(fn, t);
  return [
    ...fits.map((bad) => fn.if(bad, [fn.failCheck()])),
    fn.copy(y.addr(), x.addr(), fn.mul(x.count(), elem)),
    ...stridedLoops(fn, [() => upd.addr(), () => ind.addr(), () => y.addr()], loopsI32(loops, ctx.dim), ([u, p, o]) => [
      ...loadIndex(fn, ind.dtype, p!, () => x.dim(axis), i),
      at.set(fn.add(o!(), fn.mul(i.get(), ctx.dim(bytes(xs[axis]!, elem))))),
      ...(r === 'none' ? [copyElement(fn, x.dtype, at.get(), u!())] : reduceStore(ctx, t, r, () => at.get(), t.load(ctx, u!()), l!)),
    ]),
  ];
}

registerLowering({ ops: ['ScatterElements'], runTimeDims: true, lower: lowerScatterElements });
