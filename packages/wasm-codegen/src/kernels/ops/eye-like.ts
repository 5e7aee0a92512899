// EyeLike: zero the output, then store a one on each row's diagonal entry (k is static).
import { DTYPE_BYTES, eyeLikeAttrs, sizeOf } from '@onnx2wasm/ir';
import { registerLowering, staticView, unsupported } from '../../lowering.js';
import { scalarType } from '../emit/scalar-types.js';

registerLowering({
  ops: ['EyeLike'],
  lower(context) {
    const ctx = staticView(context);
    const { fn, node } = ctx;
    const y = ctx.outputs[0]!;
    const t = scalarType(y.dtype);
    if (!t) unsupported(ctx, `dtype ${y.dtype}`);
    const [h, w] = y.dims as [number, number];
    const { k } = eyeLikeAttrs(node);
    const elem = DTYPE_BYTES[y.dtype];
    if (sizeOf(y.dims) === 0) return [];
    const first = Math.max(0, -k), end = Math.min(h, w - k);
    const i = fn.local('i32');
    return [
      fn.fill(y.addr, 0, sizeOf(y.dims) * elem),
      fn.for(i, first, end, 1, [t.store(ctx, fn.add(fn.mul(i.get(), (w + 1) * elem), k * elem), fn.constOf(t.wasm, 1), y.addr)]),
    ];
  },
});
