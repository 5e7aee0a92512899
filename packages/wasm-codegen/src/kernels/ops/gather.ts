// Gather: for each index j (read at run time, int32 or int64) and each row of the dims before the
// axis, copy one contiguous slab of the dims after the axis. Indices outside [-dim, dim) trap
// (unreachable) rather than read the wrong memory; constant indices are checked at compile time.
// With run-time dims the same loops run on run-time extents (the bound check on the run-time dim).
import { DTYPE_BYTES, DType, Dim, Node, Tensor, dimMul, dimProduct, gatherAttrs, normalizeAxis, toNumbers } from '@onnx2wasm/ir';
import { CodegenError } from '../../errors.js';
import { LowerContext, registerLowering, staticViewIfAny } from '../../lowering.js';
import { Expr, FnBuilder, I32 } from '../../wasm-builder.js';
import { loadIndex } from '../emit/index-util.js';
import { Addr, loopsI32, stridedLoops } from '../emit/strided-loops.js';

interface Source { dtype: DType; shape: Dim[]; addr: Addr; constant?: Tensor }

function gatherKernel(fn: FnBuilder, node: Node, x: Source, ind: Source, dst: Addr, dim: (d: Dim) => I32): Expr[] {
  const axis = normalizeAxis(node, gatherAttrs(node).axis, x.shape.length);
  const axisDim = x.shape[axis]!;
  const outer = dimProduct(x.shape.slice(0, axis));
  const slab = dimMul(dimProduct(x.shape.slice(axis + 1)), DTYPE_BYTES[x.dtype]);
  const n = dimProduct(ind.shape);
  if (n === 0 || outer === 0 || slab === 0) return [];
  if (ind.constant && typeof axisDim === 'number') {
    const bad = toNumbers(ind.constant).find((i) => i < -axisDim || i >= axisDim);
    if (bad !== undefined) throw new CodegenError(`Gather node '${node.name}': index ${bad} is out of range for axis ${axis} of size ${axisDim}`, { node: node.name, op: node.op }, 'SHAPE_MISMATCH');
  }
  const addr = (a: Addr) => (typeof a === 'number' ? a : a());
  const j = fn.local('i32'), idx = fn.local('i32'), src = fn.local('i32');
  const indexAt = () => fn.add(addr(ind.addr), fn.shl(j.get(), ind.dtype === 'int64' ? 3 : 2));
  return [fn.for(j, 0, dim(n), 1, [
    ...loadIndex(fn, ind.dtype, indexAt, typeof axisDim === 'number' ? axisDim : () => dim(axisDim), idx),
    src.set(fn.add(addr(x.addr), fn.mul(idx.get(), dim(slab)))),
    ...stridedLoops(fn, [() => fn.add(addr(dst), fn.mul(j.get(), dim(slab))), () => src.get()],
      loopsI32([{ count: outer, strides: [dimMul(n, slab), dimMul(axisDim, slab)] }], dim),
      ([d, s]) => [fn.copy(d!(), s!(), dim(slab))]),
  ])];
}

registerLowering({
  ops: ['Gather'],
  runTimeDims: true,
  lower(context) {
    const ctx = staticViewIfAny(context);
    if (!ctx) return lowerGatherRunTime(context);
    const x = ctx.inputs[0]!, ind = ctx.inputs[1]!, y = ctx.outputs[0]!;
    return gatherKernel(ctx.fn, ctx.node, { ...x, shape: x.dims }, { ...ind, shape: ind.dims }, y.addr, (d) => d as number);
  },
});

function lowerGatherRunTime(ctx: LowerContext): Expr[] {
  const x = ctx.inputs[0]!, ind = ctx.inputs[1]!, y = ctx.outputs[0]!;
  const source = (o: typeof x): Source => ({ dtype: o.dtype, shape: o.shape, addr: () => o.addr(), constant: o.constant });
  return gatherKernel(ctx.fn, ctx.node, source(x), source(ind), () => y.addr(), ctx.dim);
}
