// Tile: each output dim d is viewed as [repeats, input dim]; the repeat level steps the input
// pointer by 0 and the output by a whole input-dim block. Any dtype.
import { DTYPE_BYTES, stridesOf } from '@onnx2wasm/ir';
import { LoopDim } from './strided-loops.js';
import { registerLowering } from '../lowering.js';
import { repeatCopy } from './repeat-copy.js';

registerLowering({
  ops: ['Tile'],
  lower(ctx) {
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    const elem = DTYPE_BYTES[x.dtype];
    const xs = stridesOf(x.dims), ys = stridesOf(y.dims);
    const dims: LoopDim[] = x.dims.flatMap((n, d) => [
      { count: n === 0 ? 0 : y.dims[d]! / n, strides: [n * ys[d]! * elem, 0] },
      { count: n, strides: [ys[d]! * elem, xs[d]! * elem] },
    ]);
    return repeatCopy(ctx.fn, x.dtype, y.addr, x.addr, dims);
  },
});
