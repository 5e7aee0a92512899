// Loop nests for the movement kernels (Transpose, Slice, Concat, Gather): several pointers walk
// memory together, each with its own byte stride per loop level. Pointers are kept in locals and
// advanced by addition, so the innermost body sees plain local reads. With run-time dims the loops
// are planned on dim polynomials (DimLoop: merging compares polynomials) and only then turned into
// i32 counts and strides, which are constants where the dims are static.
import { DTYPE_BYTES, DType, Dim, dimMul } from '@onnx2wasm/ir';
import { Expr, FnBuilder, I32 } from '../../wasm-builder.js';

export interface LoopDim {
  count: number;
  /** Byte stride of each pointer for one step of this loop. */
  strides: number[];
}

/** A loop level planned on dims: numbers, or polynomials over the model's symbols. */
export interface DimLoop {
  count: Dim;
  strides: Dim[];
}

/** A loop level as emitted: each count and stride used once (an Expr for a run-time value). */
export interface I32Loop {
  count: I32;
  strides: I32[];
}

/** Turns planned loops into emitted ones with `dim` (e.g. LowerContext.dim). */
export function loopsI32(dims: DimLoop[], dim: (d: Dim) => I32): I32Loop[] {
  return dims.map((d) => ({ count: dim(d.count), strides: d.strides.map(dim) }));
}

/**
 * Nested loops over `dims` (outermost first); `body` receives each pointer's current byte address.
 * A base is a constant address or a thunk building a fresh address (it may be read more than once).
 * Counts and strides may be run-time (the rows of a normalization, the outer dims of a softmax).
 */
export function stridedLoops(fn: FnBuilder, bases: (number | (() => I32))[], dims: I32Loop[], body: (ptrs: (() => Expr)[]) => Expr[]): Expr[] {
  const build = (d: number, parent: (() => Expr)[]): Expr[] => {
    if (d === dims.length) return body(parent);
    const { count, strides } = dims[d]!;
    if (count === 0) return [];
    if (count === 1) return build(d + 1, parent);
    const ptrs = parent.map(() => fn.local('i32'));
    const idx = fn.local('i32');
    return [
      ...ptrs.map((p, k) => p.set(parent[k]!())),
      fn.for(idx, 0, count, 1, [
        ...build(d + 1, ptrs.map((p) => () => p.get())),
        ...ptrs.map((p, k) => p.set(fn.add(p.get(), strides[k]!))),
      ]),
    ];
  };
  return build(0, bases.map((b) => (typeof b === 'number' ? () => fn.i(b) : () => fn.i(b()))));
}

/** Copies one element of `dtype` (any element type: only its bytes matter). */
export function copyElement(fn: FnBuilder, dtype: DType, dst: I32, src: I32): Expr {
  switch (DTYPE_BYTES[dtype]) {
    case 1: return fn.store8(dst, fn.load8U(src));
    case 2: return fn.store16(dst, fn.load16U(src));
    case 4: return fn.storeI32(dst, fn.loadI32(src));
    case 8: return fn.storeI64(dst, fn.loadI64(src));
    default: throw new Error(`no element copy for dtype ${dtype}`);
  }
}

/**
 * Merges adjacent dims that are contiguous for every pointer (stride of the outer = count × stride
 * of the inner), and drops dims of size 1: fewer, longer loops.
 */
export function mergeDims(dims: LoopDim[]): LoopDim[];
export function mergeDims(dims: DimLoop[]): DimLoop[];
export function mergeDims(dims: DimLoop[]): DimLoop[] {
  const out: DimLoop[] = [];
  for (const d of dims) {
    if (d.count === 1) continue;
    const last = out[out.length - 1];
    // Canonical polynomials are equal exactly when their texts are.
    if (last && last.strides.every((s, k) => s === dimMul(d.count, d.strides[k]!))) {
      out[out.length - 1] = { count: dimMul(last.count, d.count), strides: d.strides };
    } else out.push({ count: d.count, strides: [...d.strides] });
  }
  return out;
}

/** Row-major element strides of a shape with run-time dims. */
export function dimStrides(shape: readonly Dim[]): Dim[] {
  const s = new Array<Dim>(shape.length);
  let acc: Dim = 1;
  for (let i = shape.length - 1; i >= 0; i--) { s[i] = acc; acc = dimMul(acc, shape[i]!); }
  return s;
}

/** A kernel's view of an address: a number when static, else a thunk giving a fresh i32 per use. */
export type Addr = number | (() => I32);

/** `a` + `offset` bytes as a stridedLoops base: a constant when both are static. */
export function offsetAddr(fn: FnBuilder, a: Addr, offset: Dim, dim: (d: Dim) => I32): number | (() => Expr) {
  if (typeof a === 'number' && typeof offset === 'number') return a + offset;
  return () => fn.add(typeof a === 'number' ? a : a(), dim(offset));
}
