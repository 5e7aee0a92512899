// GatherElements: walks indices (and the output, same shape) in order with a data pointer that
// follows every dim but the axis; each element adds index × axis stride to it. Any dtype;
// out-of-range indices trap (see loadIndex). The loops are planned on dim expressions, so the same
// code serves run-time dims (the token_type_ids buffer BERT gathers for `sequence` positions).
import { DTYPE_BYTES, Dim, Node, dimMul, gatherElementsAttrs, normalizeAxis } from '@onnx2wasm/ir';
import { LowerContext, registerLowering, staticViewIfAny } from '../../lowering.js';
import { Expr, FnBuilder, I32 } from '../../wasm-builder.js';
import { staticDim } from '../emit/dynamic-util.js';
import { loadIndex } from '../emit/index-util.js';
import { copyElement, dimStrides, loopsI32, mergeDims, stridedLoops } from '../emit/strided-loops.js';

interface Side { dtype: Parameters<typeof copyElement>[1]; shape: Dim[]; addr: () => I32 }

function gatherElements(fn: FnBuilder, node: Node, x: Side, ind: Side, y: () => I32, dim: (d: Dim) => I32): Expr[] {
  const axis = normalizeAxis(node, gatherElementsAttrs(node).axis, x.shape.length);
  const elem = DTYPE_BYTES[x.dtype], ie = DTYPE_BYTES[ind.dtype];
  const xs = dimStrides(x.shape), is = dimStrides(ind.shape);
  if (ind.shape.some((d) => d === 0)) return [];
  const loops = mergeDims(ind.shape.map((count, d) => ({ count, strides: [dimMul(is[d]!, elem), dimMul(is[d]!, ie), d === axis ? 0 : dimMul(xs[d]!, elem)] })));
  const i = fn.local('i32');
  return stridedLoops(fn, [y, ind.addr, x.addr], loopsI32(loops, dim), ([d, p, s]) => [
    ...loadIndex(fn, ind.dtype, p!, typeof x.shape[axis] === 'number' ? x.shape[axis] : () => dim(x.shape[axis]!), i),
    copyElement(fn, x.dtype, d!(), fn.add(s!(), fn.mul(i.get(), dim(dimMul(xs[axis]!, elem))))),
  ]);
}

registerLowering({
  ops: ['GatherElements'],
  runTimeDims: true,
  lower(context) {
    const ctx = staticViewIfAny(context);
    if (!ctx) return lowerGatherElementsRunTime(context);
    const x = ctx.inputs[0]!, ind = ctx.inputs[1]!, y = ctx.outputs[0]!;
    const side = (o: typeof x): Side => ({ dtype: o.dtype, shape: o.dims, addr: () => o.addr });
    return gatherElements(ctx.fn, ctx.node, side(x), side(ind), () => y.addr, staticDim);
  },
});

function lowerGatherElementsRunTime(ctx: LowerContext): Expr[] {
  const x = ctx.inputs[0]!, ind = ctx.inputs[1]!, y = ctx.outputs[0]!;
  const side = (o: typeof x): Side => ({ dtype: o.dtype, shape: o.shape, addr: () => o.addr() });
  return gatherElements(ctx.fn, ctx.node, side(x), side(ind), () => y.addr(), ctx.dim);
}
