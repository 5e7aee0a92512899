// Split: each output takes a contiguous run of every row (the dims before the axis), so the kernel
// is one memory.copy per row and output. Any dtype, static or run-time dims (a run-time axis gives
// run-time offsets).
import { DTYPE_BYTES, DType, Dim, dimAdd, dimMul, dimProduct, normalizeAxis, splitAttrs } from '@onnx2wasm/ir';
import { LowerContext, registerLowering, staticViewIfAny } from '../../lowering.js';
import { Expr, FnBuilder, I32 } from '../../wasm-builder.js';
import { Addr, loopsI32, offsetAddr, stridedLoops } from '../emit/strided-loops.js';
import { lowerSplitSizes, splitComputedDims } from '../emit/split-sizes.js';

function splitKernel(fn: FnBuilder, dtype: DType, xShape: Dim[], axis: number, src: Addr, ys: { shape: Dim[]; addr: Addr }[], dim: (d: Dim) => I32): Expr[] {
  const outer = dimProduct(xShape.slice(0, axis));
  const innerBytes = dimMul(dimProduct(xShape.slice(axis + 1)), DTYPE_BYTES[dtype]);
  const out: Expr[] = [];
  let at: Dim = 0;
  // Inference already turned the split rule into the outputs' dims.
  for (const y of ys) {
    const row = dimMul(y.shape[axis]!, innerBytes);
    const from = offsetAddr(fn, src, dimMul(at, innerBytes), dim);
    at = dimAdd(at, y.shape[axis]!);
    if (row === 0 || outer === 0) continue;
    out.push(...stridedLoops(fn, [offsetAddr(fn, y.addr, 0, dim), from], loopsI32([{ count: outer, strides: [row, dimMul(xShape[axis]!, innerBytes)] }], dim),
      ([d, s]) => [fn.copy(d!(), s!(), dim(row))]));
  }
  return out;
}

registerLowering({
  ops: ['Split'],
  runTimeDims: true,
  lower(context) {
    const ctx = staticViewIfAny(context);
    if (!ctx) return lowerSplitRunTime(context);
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!;
    const axis = normalizeAxis(node, splitAttrs(node).axis, x.dims.length);
    return splitKernel(fn, x.dtype, x.dims, axis, x.addr, ctx.outputs.map((y) => ({ shape: y.dims, addr: y.addr })), (d) => d as number);
  },
  // Sizes from a run-time `split` input are value-dependent dims (split-sizes.ts).
  computedDims: splitComputedDims,
});

function lowerSplitRunTime(ctx: LowerContext): Expr[] {
  const { fn, node } = ctx;
  const x = ctx.inputs[0]!;
  const axis = normalizeAxis(node, splitAttrs(node).axis, x.shape.length);
  const cut = (dim: (d: Dim) => I32) => splitKernel(fn, x.dtype, x.shape, axis, () => x.addr(), ctx.outputs.map((y) => ({ shape: y.shape, addr: () => y.addr() })), dim);
  if (splitComputedDims(node, ctx.inputs, ctx.outputs).length) return lowerSplitSizes(ctx, cut);
  return cut(ctx.dim);
}
