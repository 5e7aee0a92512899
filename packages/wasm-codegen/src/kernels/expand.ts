// Expand: a broadcast copy; broadcast dims step the input pointer by 0. Any dtype.
import { DTYPE_BYTES, stridesOf } from '@onnx2wasm/ir';
import { registerLowering } from '../lowering.js';
import { repeatCopy } from './repeat-copy.js';

registerLowering({
  ops: ['Expand'],
  lower(ctx) {
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    const elem = DTYPE_BYTES[x.dtype];
    const xd = [...new Array<number>(y.dims.length - x.dims.length).fill(1), ...x.dims];
    const xs = stridesOf(xd), ys = stridesOf(y.dims);
    const dims = y.dims.map((count, d) => ({ count, strides: [ys[d]! * elem, xd[d] === 1 ? 0 : xs[d]! * elem] }));
    return repeatCopy(ctx.fn, x.dtype, y.addr, x.addr, dims);
  },
});
