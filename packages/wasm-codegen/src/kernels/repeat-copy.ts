// The copy loop shared by Expand and Tile: the output is walked in order while the input pointer
// steps by its own strides, 0 along repeated dims. Contiguous runs become one memory.copy.
import { DTYPE_BYTES, DType } from '@onnx2wasm/ir';
import { Expr, FnBuilder } from '../wasm-builder.js';
import { LoopDim, copyElement, mergeDims, stridedLoops } from './strided-loops.js';

/** `dims` hold [output, input] byte strides per loop level, outermost first. */
export function repeatCopy(fn: FnBuilder, dtype: DType, dst: number, src: number, dims: LoopDim[]): Expr[] {
  if (dims.some((d) => d.count === 0)) return [];
  const elem = DTYPE_BYTES[dtype];
  const loops = mergeDims(dims);
  const last = loops[loops.length - 1];
  if (!last) return [copyElement(fn, dtype, dst, src)];
  if (last.strides[0] === elem && last.strides[1] === elem) {
    loops.pop();
    return stridedLoops(fn, [dst, src], loops, ([d, s]) => [fn.copy(d!(), s!(), last.count * elem)]);
  }
  return stridedLoops(fn, [dst, src], loops, ([d, s]) => [copyElement(fn, dtype, d!(), s!())]);
}
