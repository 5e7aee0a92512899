// ScatterElements: copies data to the output, then walks indices and updates in order with an
// output pointer that follows every dim but the axis; each element lands index × axis stride
// further, stored or reduced (add/mul/max/min). Any dtype; out-of-range indices trap.
import { DTYPE_BYTES, attrInt, normalizeAxis, scatterReduction, stridesOf } from '@onnx2wasm/ir';
import { byteSize, registerLowering, staticView, unsupported } from '../../lowering.js';
import { loadIndex, reduceLocals, reduceStore } from '../emit/index-util.js';
import { scalarType } from '../emit/scalar-types.js';
import { copyElement, mergeDims, stridedLoops } from '../emit/strided-loops.js';

registerLowering({
  ops: ['ScatterElements'],
  lower(context) {
    const ctx = staticView(context);
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
