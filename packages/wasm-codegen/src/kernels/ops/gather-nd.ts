// GatherND: for every batch and index tuple, the tuple's k checked indices give a data offset and
// one memory.copy moves the slab. Any dtype; out-of-range indices trap. Planned on dim
// expressions, so run-time dims (the padding mask the dynamo exporter gathers per [batch, seq]) use
// the same code with counts, strides and index bounds read from the dims table.
import { DTYPE_BYTES, DType, Dim, dimMul, dimProduct, gatherNdAttrs } from '@onnx2wasm/ir';
import { LowerContext, registerLowering, staticViewIfAny } from '../../lowering.js';
import { Expr, FnBuilder, I32 } from '../../wasm-builder.js';
import { staticDim } from '../emit/dynamic-util.js';
import { loadIndex } from '../emit/index-util.js';
import { dimStrides, loopsI32, stridedLoops } from '../emit/strided-loops.js';

interface Side { dtype: DType; shape: Dim[]; addr: () => I32 }

function gatherND(fn: FnBuilder, b: number, x: Side, ind: Side, y: () => I32, dim: (d: Dim) => I32): Expr[] {
  const elem = DTYPE_BYTES[x.dtype], ie = DTYPE_BYTES[ind.dtype];
  const k = ind.shape[ind.shape.length - 1] as number; // static: checked by inference
  const strides = dimStrides(x.shape);
  const slab = dimMul(dimProduct(x.shape.slice(b + k)), elem);
  const batches = dimProduct(x.shape.slice(0, b)), tuples = dimProduct(ind.shape.slice(b, -1));
  if (slab === 0 || batches === 0 || tuples === 0) return [];
  const i = fn.local('i32'), off = fn.local('i32');
  const loops = loopsI32([
    { count: batches, strides: [dimMul(tuples, slab), dimMul(tuples, k * ie), dimMul(dimProduct(x.shape.slice(b)), elem)] },
    { count: tuples, strides: [slab, k * ie, 0] },
  ], dim);
  return stridedLoops(fn, [y, ind.addr, x.addr], loops, ([d, q, s]) => {
    const body: Expr[] = [off.set(s!())];
    for (let j = 0; j < k; j++) {
      const n = x.shape[b + j]!;
      body.push(
        ...loadIndex(fn, ind.dtype, () => fn.add(q!(), j * ie), typeof n === 'number' ? n : () => dim(n), i),
        off.set(fn.add(off.get(), fn.mul(i.get(), dim(dimMul(strides[b + j]!, elem))))),
      );
    }
    return [...body, fn.copy(d!(), off.get(), dim(slab))];
  });
}

registerLowering({
  ops: ['GatherND'],
  runTimeDims: true,
  lower(context) {
    const ctx = staticViewIfAny(context);
    if (!ctx) return lowerGatherNDRunTime(context);
    const x = ctx.inputs[0]!, ind = ctx.inputs[1]!, y = ctx.outputs[0]!;
    const side = (o: typeof x): Side => ({ dtype: o.dtype, shape: o.dims, addr: () => o.addr });
    return gatherND(ctx.fn, gatherNdAttrs(ctx.node).batchDims, side(x), side(ind), () => y.addr, staticDim);
  },
});

function lowerGatherNDRunTime(ctx: LowerContext): Expr[] {
  const x = ctx.inputs[0]!, ind = ctx.inputs[1]!, y = ctx.outputs[0]!;
  const side = (o: typeof x): Side => ({ dtype: o.dtype, shape: o.shape, addr: () => o.addr() });
  return gatherND(ctx.fn, gatherNdAttrs(ctx.node).batchDims, side(x), side(ind), () => y.addr(), ctx.dim);
}
