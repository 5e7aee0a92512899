// Split: each output takes a contiguous run of every row (the dims before the axis), so the kernel
// is one memory.copy per row and output. Any dtype.
import { DTYPE_BYTES, attrInt, normalizeAxis, sizeOf } from '@onnx2wasm/ir';
import { registerLowering } from '../lowering.js';
import { Expr } from '../wasm-builder.js';
import { stridedLoops } from './strided-loops.js';

registerLowering({
  ops: ['Split'],
  lower(ctx) {
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!;
    const axis = normalizeAxis(node, attrInt(node, 'axis', 0), x.dims.length);
    const dim = x.dims[axis]!;
    // Inference already turned the split rule into the outputs' static dims.
    const sizes = ctx.outputs.map((o) => o.dims[axis]!);
    const outer = sizeOf(x.dims.slice(0, axis));
    const innerBytes = sizeOf(x.dims.slice(axis + 1)) * DTYPE_BYTES[x.dtype];
    const out: Expr[] = [];
    let at = 0;
    ctx.outputs.forEach((y, k) => {
      const row = sizes[k]! * innerBytes;
      const src = x.addr + at * innerBytes;
      at += sizes[k]!;
      if (row === 0 || outer === 0) return;
      out.push(...stridedLoops(fn, [y.addr, src], [{ count: outer, strides: [row, dim * innerBytes] }], ([d, s]) => [fn.copy(d!(), s!(), row)]));
    });
    return out;
  },
});
