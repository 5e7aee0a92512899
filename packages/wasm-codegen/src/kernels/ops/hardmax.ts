// Hardmax: the output is zeroed in one memory.fill (0.0 is all-zero bits in every float type),
// then each vector along the axis gets a 1 at its first maximum, found by ArgMax's scan.
import { axisView, sizeOf, softmaxAttrs } from '@onnx2wasm/ir';
import { registerLowering, staticView, unsupported } from '../../lowering.js';
import { bestIndex } from './arg-extreme.js';
import { scalarType } from '../emit/scalar-types.js';
import { stridedLoops } from '../emit/strided-loops.js';

registerLowering({
  ops: ['Hardmax'],
  lower(context) {
    const ctx = staticView(context);
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    const t = scalarType(x.dtype);
    if (!t?.float) unsupported(ctx, `dtype ${x.dtype}`);
    const { outer, n, inner } = axisView(node, x.dims, softmaxAttrs(node).axis);
    if (sizeOf(x.dims) === 0) return [];
    const stride = inner * t.bytes;
    const index = fn.local('i32');
    const dims = [{ count: outer, strides: [n * stride, n * stride] }, { count: inner, strides: [t.bytes, t.bytes] }];
    return [
      fn.fill(y.addr, 0, sizeOf(y.dims) * t.bytes),
      ...stridedLoops(fn, [x.addr, y.addr], dims, ([px, py]) => [
        ...bestIndex(ctx, t, px!, n, stride, true, false, index, true),
        t.store(ctx, fn.add(py!(), fn.mul(index.get(), stride)), fn.constOf(t.wasm, 1)),
      ]),
    ];
  },
});
