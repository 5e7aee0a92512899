// The copy loop shared by Expand and Tile: the output is walked in order while the input pointer
// steps by its own strides, 0 along repeated dims. Contiguous runs become one memory.copy. Loops
// are planned on dims, so the same code serves run-time dims (`dim` gives their i32 values).
import { DTYPE_BYTES, DType, Dim, dimMul } from '@onnx2wasm/ir';
import { Expr, FnBuilder, I32 } from '../../wasm-builder.js';
import { Addr, DimLoop, copyElement, loopsI32, mergeDims, offsetAddr, stridedLoops } from './strided-loops.js';

/** `dims` hold [output, input] byte strides per loop level, outermost first. */
export function repeatCopy(fn: FnBuilder, dtype: DType, dst: Addr, src: Addr, dims: DimLoop[], dim: (d: Dim) => I32 = (d) => d as number): Expr[] {
  if (dims.some((d) => d.count === 0)) return [];
  const elem = DTYPE_BYTES[dtype];
  const loops = mergeDims(dims);
  const last = loops[loops.length - 1];
  const bases = [offsetAddr(fn, dst, 0, dim), offsetAddr(fn, src, 0, dim)];
  if (!last) return [copyElement(fn, dtype, base(fn, bases[0]!), base(fn, bases[1]!))];
  if (last.strides[0] === elem && last.strides[1] === elem) {
    loops.pop();
    return stridedLoops(fn, bases, loopsI32(loops, dim), ([d, s]) => [fn.copy(d!(), s!(), dim(dimMul(last.count, elem)))]);
  }
  return stridedLoops(fn, bases, loopsI32(loops, dim), ([d, s]) => [copyElement(fn, dtype, d!(), s!())]);
}

const base = (fn: FnBuilder, b: number | (() => Expr)): Expr => (typeof b === 'number' ? fn.i(b) : b());
