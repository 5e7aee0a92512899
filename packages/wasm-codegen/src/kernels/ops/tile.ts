// Tile: each output dim d is viewed as [repeats, input dim]; the repeat level steps the input
// pointer by 0 and the output by a whole input-dim block. Any dtype, static or run-time dims.
import { DTYPE_BYTES, DType, Dim, dimDiv, dimMul } from '@onnx2wasm/ir';
import { LowerContext, registerLowering, staticViewIfAny, unsupported } from '../../lowering.js';
import { Expr, FnBuilder, I32 } from '../../wasm-builder.js';
import { Addr, DimLoop, dimStrides } from '../emit/strided-loops.js';
import { repeatCopy } from '../emit/repeat-copy.js';
import { computesDims, valueDims } from '../emit/value-shaped.js';
import { tileByValues } from '../emit/value-shaped-ops.js';

function tileKernel(fn: FnBuilder, dtype: DType, xShape: Dim[], yShape: Dim[], dst: Addr, src: Addr, dim: (d: Dim) => I32, refuse: (what: string) => never): Expr[] {
  const elem = DTYPE_BYTES[dtype];
  const xs = dimStrides(xShape), ys = dimStrides(yShape);
  const dims: DimLoop[] = xShape.flatMap((n, d) => {
    const repeats = n === 0 ? 0 : dimDiv(yShape[d]!, n);
    if (repeats === undefined) refuse(`repeats ${yShape[d]} / ${n} along axis ${d}`);
    return [
      { count: repeats, strides: [dimMul(n, dimMul(ys[d]!, elem)), 0] },
      { count: n, strides: [dimMul(ys[d]!, elem), dimMul(xs[d]!, elem)] },
    ];
  });
  return repeatCopy(fn, dtype, dst, src, dims, dim);
}

registerLowering({
  ops: ['Tile'],
  runTimeDims: true,
  computedDims: valueDims(),
  lower(context) {
    const ctx = staticViewIfAny(context);
    if (!ctx) return lowerTileRunTime(context);
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    return tileKernel(ctx.fn, x.dtype, x.dims, y.dims, y.addr, x.addr, (d) => d as number, (what) => unsupported(ctx, what));
  },
});

function lowerTileRunTime(ctx: LowerContext): Expr[] {
  if (computesDims(ctx)) return tileByValues(ctx);
  const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
  return tileKernel(ctx.fn, x.dtype, x.shape, y.shape, () => y.addr(), () => x.addr(), ctx.dim, (what) => unsupported(ctx, `${what}, with run-time dims`));
}
