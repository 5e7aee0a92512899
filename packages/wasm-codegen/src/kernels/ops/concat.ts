// Concat: for each index of the dims before the axis, every input contributes one contiguous run
// (its axis dim × the inner dims); each run is one memory.copy. Works for any dtype, with static
// or run-time dims (run-time runs and offsets are computed once in the node's prologue).
import { DTYPE_BYTES, DType, Dim, concatAttrs, dimAdd, dimMul, dimProduct, normalizeAxis } from '@onnx2wasm/ir';
import { LowerContext, registerLowering, staticViewIfAny } from '../../lowering.js';
import { Expr, FnBuilder, I32 } from '../../wasm-builder.js';
import { Addr, loopsI32, offsetAddr, stridedLoops } from '../emit/strided-loops.js';

function concatKernel(fn: FnBuilder, dtype: DType, yShape: Dim[], axis: number, xs: { shape: Dim[]; addr: Addr }[], dst: Addr, dim: (d: Dim) => I32): Expr[] {
  const elem = DTYPE_BYTES[dtype];
  const outer = dimProduct(yShape.slice(0, axis));
  const inner = dimMul(dimProduct(yShape.slice(axis + 1)), elem);
  const runs = xs.map((x) => dimMul(x.shape[axis]!, inner));
  const outRun = dimMul(yShape[axis]!, inner);
  const offsets = runs.map((_, k) => runs.slice(0, k).reduce<Dim>((a, b) => dimAdd(a, b), 0));
  const bases = [offsetAddr(fn, dst, 0, dim), ...xs.map((x, k) => (runs[k] !== 0 ? offsetAddr(fn, x.addr, 0, dim) : 0))];
  return stridedLoops(fn, bases, loopsI32([{ count: outer, strides: [outRun, ...runs] }], dim), (ptrs) =>
    runs.flatMap((run, k) => (run !== 0 ? [fn.copy(fn.add(ptrs[0]!(), dim(offsets[k]!)), ptrs[k + 1]!(), dim(run))] : [])));
}

registerLowering({
  ops: ['Concat'],
  runTimeDims: true,
  lower(context) {
    const ctx = staticViewIfAny(context);
    if (!ctx) return lowerConcatRunTime(context);
    const { fn, node } = ctx;
    const y = ctx.outputs[0]!;
    const xs = ctx.inputs.filter((x) => !!x).map((x) => ({ shape: x.dims, addr: x.addr }));
    const axis = normalizeAxis(node, concatAttrs(node).axis, y.dims.length);
    return concatKernel(fn, y.dtype, y.dims, axis, xs, y.addr, (d) => d as number);
  },
});

function lowerConcatRunTime(ctx: LowerContext): Expr[] {
  const { fn, node } = ctx;
  const y = ctx.outputs[0]!;
  const xs = ctx.inputs.filter((x) => !!x).map((x) => ({ shape: x.shape, addr: () => x.addr() }));
  const axis = normalizeAxis(node, concatAttrs(node).axis, y.shape.length);
  return concatKernel(fn, y.dtype, y.shape, axis, xs, () => y.addr(), ctx.dim);
}
