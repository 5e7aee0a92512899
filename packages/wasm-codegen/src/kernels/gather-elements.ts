// GatherElements: walks indices (and the output, same shape) in order with a data pointer that
// follows every dim but the axis; each element adds index × axis stride to it. Any dtype;
// out-of-range indices trap (see loadIndex).
import { DTYPE_BYTES, attrInt, normalizeAxis, stridesOf } from '@onnx2wasm/ir';
import { registerLowering } from '../lowering.js';
import { loadIndex } from './index-util.js';
import { copyElement, mergeDims, stridedLoops } from './strided-loops.js';

registerLowering({
  ops: ['GatherElements'],
  lower(ctx) {
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!, ind = ctx.inputs[1]!, y = ctx.outputs[0]!;
    const axis = normalizeAxis(node, attrInt(node, 'axis', 0), x.dims.length);
    const elem = DTYPE_BYTES[x.dtype], ie = DTYPE_BYTES[ind.dtype];
    const xs = stridesOf(x.dims), is = stridesOf(ind.dims);
    if (ind.dims.some((d) => d === 0)) return [];
    const loops = mergeDims(ind.dims.map((count, d) => ({ count, strides: [is[d]! * elem, is[d]! * ie, d === axis ? 0 : xs[d]! * elem] })));
    const i = fn.local('i32');
    return stridedLoops(fn, [y.addr, ind.addr, x.addr], loops, ([d, p, s]) => [
      ...loadIndex(fn, ind.dtype, p!, x.dims[axis]!, i),
      copyElement(fn, x.dtype, d!(), fn.add(s!(), fn.mul(i.get(), xs[axis]! * elem))),
    ]);
  },
});
