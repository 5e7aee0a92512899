// Expand: a broadcast copy; broadcast dims step the input pointer by 0. Any dtype, static or
// run-time dims (a run-time input dim must equal the output's: one that is 1 only at run time
// cannot be told apart at compile time).
import { DTYPE_BYTES, DType, Dim, dimMul } from '@onnx2wasm/ir';
import { LowerContext, registerLowering, staticViewIfAny, unsupported } from '../../lowering.js';
import { Expr, FnBuilder, I32 } from '../../wasm-builder.js';
import { Addr, DimLoop, dimStrides } from '../emit/strided-loops.js';
import { repeatCopy } from '../emit/repeat-copy.js';
import { computesDims, valueDims } from '../emit/value-shaped.js';
import { expandByValues } from '../emit/value-shaped-ops.js';

function expandKernel(fn: FnBuilder, dtype: DType, xShape: Dim[], yShape: Dim[], dst: Addr, src: Addr, dim: (d: Dim) => I32, refuse: (what: string) => never): Expr[] {
  const elem = DTYPE_BYTES[dtype];
  const xd = [...new Array<Dim>(yShape.length - xShape.length).fill(1), ...xShape];
  const xs = dimStrides(xd), ys = dimStrides(yShape);
  const dims: DimLoop[] = yShape.map((count, d) => {
    if (xd[d] !== 1 && xd[d] !== count) refuse(`broadcasting input dim ${xd[d]} to ${count}`);
    return { count, strides: [dimMul(ys[d]!, elem), xd[d] === 1 ? 0 : dimMul(xs[d]!, elem)] };
  });
  return repeatCopy(fn, dtype, dst, src, dims, dim);
}

registerLowering({
  ops: ['Expand'],
  runTimeDims: true,
  computedDims: valueDims(),
  lower(context) {
    const ctx = staticViewIfAny(context);
    if (!ctx) return lowerExpandRunTime(context);
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    return expandKernel(ctx.fn, x.dtype, x.dims, y.dims, y.addr, x.addr, (d) => d as number, (what) => unsupported(ctx, what));
  },
});

function lowerExpandRunTime(ctx: LowerContext): Expr[] {
  if (computesDims(ctx)) return expandByValues(ctx);
  const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
  return expandKernel(ctx.fn, x.dtype, x.shape, y.shape, () => y.addr(), () => x.addr(), ctx.dim, (what) => unsupported(ctx, `${what}, with run-time dims`));
}
