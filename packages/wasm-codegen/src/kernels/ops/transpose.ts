// Transpose. The permutation is first simplified: size-1 dims dropped, and input dims that stay
// adjacent in the output merged ([1,128,8,32] with perm [0,2,3,1] is a plain 2-D transpose of
// [128, 256]). Then:
//   - the innermost dim is unmoved: each output row is a contiguous run of the input, one memory.copy;
//   - 4-byte elements: the two dims that swap places with the innermost ones are walked in 4×4 tiles
//     transposed in registers with 8 shuffles (rows of the tile are contiguous on both sides); two
//     rows becoming pairs (ShuffleNet's channel shuffle, [.., 2, C] → [.., C, 2]) are interleaved
//     four columns at a time: 2 loads, 2 shuffles, 2 stores for 8 elements instead of 16 scalar
//     accesses, which matters most where each access is bounds-checked (docs/deploy.md);
//   - otherwise one element copy per output element.
import { DTYPE_BYTES, DType, Dim, Node, dimMul, dimProduct, transposeAttrs } from '@onnx2wasm/ir';
import { LowerContext, registerLowering, staticViewIfAny } from '../../lowering.js';
import { Expr, FnBuilder, I32, Local } from '../../wasm-builder.js';
import { DimLoop, copyElement, dimStrides, loopsI32, mergeDims, stridedLoops } from '../emit/strided-loops.js';

/**
 * Drops size-1 dims and merges input dims that stay adjacent and in order in the output. Run-time
 * dims are kept (they may be 1 at run time, which the loops handle) and merge into products.
 */
export function simplifyPermutation(dims: number[], perm: number[]): { dims: number[]; perm: number[] };
export function simplifyPermutation(dims: Dim[], perm: number[]): { dims: Dim[]; perm: number[] };
export function simplifyPermutation(dims: Dim[], perm: number[]): { dims: Dim[]; perm: number[] } {
  const renumber: number[] = [];
  let k = 0;
  dims.forEach((d, a) => { if (d !== 1) renumber[a] = k++; });
  const kept = dims.filter((d) => d !== 1);
  const groups: number[][] = [];
  for (const a of perm.filter((p) => dims[p] !== 1).map((p) => renumber[p]!)) {
    const g = groups[groups.length - 1];
    if (g && g[g.length - 1]! + 1 === a) g.push(a);
    else groups.push([a]);
  }
  const byInput = [...groups].sort((x, y) => x[0]! - y[0]!);
  return {
    dims: byInput.map((g) => dimProduct(g.map((a) => kept[a]!))),
    perm: groups.map((g) => byInput.indexOf(g)),
  };
}

/** Transposes four f32x4 rows in place (a 4×4 tile). */
function transpose4x4(fn: FnBuilder, r: Local[], t: Local[]): Expr[] {
  const [r0, r1, r2, r3] = r as [Local, Local, Local, Local];
  const [t0, t1, t2, t3] = t as [Local, Local, Local, Local];
  return [
    t0.set(fn.vshuffle(r0.get(), r1.get(), [0, 4, 1, 5])),
    t1.set(fn.vshuffle(r0.get(), r1.get(), [2, 6, 3, 7])),
    t2.set(fn.vshuffle(r2.get(), r3.get(), [0, 4, 1, 5])),
    t3.set(fn.vshuffle(r2.get(), r3.get(), [2, 6, 3, 7])),
    r0.set(fn.vshuffle(t0.get(), t2.get(), [0, 1, 4, 5])),
    r1.set(fn.vshuffle(t0.get(), t2.get(), [2, 3, 6, 7])),
    r2.set(fn.vshuffle(t1.get(), t3.get(), [0, 1, 4, 5])),
    r3.set(fn.vshuffle(t1.get(), t3.get(), [2, 3, 6, 7])),
  ];
}

/**
 * out[x * outRow + y] = in[y * inRow + x] for x < X, y < Y (4-byte elements, strides in elements),
 * from base pointers `src`/`dst`: 4×4 register tiles plus scalar edges. Sizes are dims; `dim`
 * gives a fresh i32 per use (a constant when static, so static row strides become load offsets).
 */
function tiled2d(fn: FnBuilder, src: () => Expr, dst: () => Expr, X: Dim, Y: Dim, inRow: Dim, outRow: Dim, dim: (d: Dim) => I32): Expr[] {
  const down4 = (d: Dim): I32 => (typeof d === 'number' ? d - (d % 4) : fn.and(dim(d), -4));
  const x = fn.local('i32'), y = fn.local('i32'), ps = fn.local('i32'), pd = fn.local('i32');
  const r = [0, 1, 2, 3].map(() => fn.local('v128')), t = [0, 1, 2, 3].map(() => fn.local('v128'));
  const inAt = (yy: Expr, xx: Expr) => fn.add(src(), fn.shl(fn.add(fn.mul(yy, dim(inRow)), xx), 2));
  const outAt = (xx: Expr, yy: Expr) => fn.add(dst(), fn.shl(fn.add(fn.mul(xx, dim(outRow)), yy), 2));
  /** Row k of a tile at p: a load/store offset when the row stride is static, else an added run-time one. */
  const row = (p: Local, k: number, stride: Dim): [I32, number] =>
    (typeof stride === 'number' ? [p.get(), 4 * k * stride] : [fn.add(p.get(), dim(dimMul(stride, 4 * k))), 0]);
  const tile: Expr[] = [
    ps.set(inAt(y.get(), x.get())),
    pd.set(outAt(x.get(), y.get())),
    ...r.map((v, k) => v.set(fn.vload(...row(ps, k, inRow)))),
    ...transpose4x4(fn, r, t),
    ...r.map((v, k) => { const [a, o] = row(pd, k, outRow); return fn.vstore(a, v.get(), o); }),
  ];
  const one = () => fn.storeI32(outAt(x.get(), y.get()), fn.loadI32(inAt(y.get(), x.get())));
  if (Y === 2 && outRow === 2) return interleave2(fn, src, dst, X, inRow, dim);
  return [
    fn.for(y, 0, down4(Y), 4, [fn.for(x, 0, down4(X), 4, tile), fn.for(x, down4(X), dim(X), 1, [0, 1, 2, 3].map((k) => fn.storeI32(outAt(x.get(), fn.add(y.get(), k)), fn.loadI32(inAt(fn.add(y.get(), k), x.get())))))]),
    fn.for(y, down4(Y), dim(Y), 1, [fn.for(x, 0, dim(X), 1, [one()])]),
  ];
}

/** out[2x + y] = in[y * inRow + x] for x < X, y < 2: rows 0 and 1 zipped, four columns per step. */
function interleave2(fn: FnBuilder, src: () => Expr, dst: () => Expr, X: Dim, inRow: Dim, dim: (d: Dim) => I32): Expr[] {
  const x = fn.local('i32'), ps = fn.local('i32'), pd = fn.local('i32');
  const a = fn.local('v128'), b = fn.local('v128');
  const down4 = (): I32 => (typeof X === 'number' ? X - (X % 4) : fn.and(dim(X), -4));
  // The second row: a load offset when its stride is static.
  const second = (p: Local, vector: boolean): Expr => {
    const [addr, off] = typeof inRow === 'number' ? [p.get(), 4 * inRow] : [fn.add(p.get(), fn.shl(dim(inRow), 2)), 0];
    return vector ? fn.vload(addr, off) : fn.loadI32(addr, off);
  };
  return [
    ps.set(src()), pd.set(dst()),
    fn.for(x, 0, down4(), 4, [
      a.set(fn.vload(ps.get())), b.set(second(ps, true)),
      fn.vstore(pd.get(), fn.vshuffle(a.get(), b.get(), [0, 4, 1, 5])),
      fn.vstore(pd.get(), fn.vshuffle(a.get(), b.get(), [2, 6, 3, 7]), 16),
      ps.set(fn.add(ps.get(), 16)), pd.set(fn.add(pd.get(), 32)),
    ]),
    fn.for(x, down4(), dim(X), 1, [
      fn.storeI32(pd.get(), fn.loadI32(ps.get())), fn.storeI32(pd.get(), second(ps, false), 4),
      ps.set(fn.add(ps.get(), 4)), pd.set(fn.add(pd.get(), 8)),
    ]),
  ];
}

/**
 * The transpose of a `shape` tensor of `dtype` at `src` into `dst`, shared by static and run-time
 * dims: planned on dims, emitted with `dim` (constants when static).
 */
function transposeKernel(fn: FnBuilder, dtype: DType, shape: Dim[], fullPerm: number[], dst: () => Expr, src: () => Expr, dim: (d: Dim) => I32): Expr[] {
  const elem = DTYPE_BYTES[dtype];
  const { dims, perm } = simplifyPermutation(shape, fullPerm);
  const total = dimMul(dimProduct(dims), elem);
  if (total === 0) return [];
  const r = dims.length;
  if (r <= 1 || perm.every((p, i) => p === i)) return [fn.copy(dst(), src(), dim(total))];
  const outDims = perm.map((p) => dims[p]!);
  const is = dimStrides(dims), os = dimStrides(outDims);
  const loop = (i: number): DimLoop => ({ count: outDims[i]!, strides: [dimMul(os[i]!, elem), dimMul(is[perm[i]!]!, elem)] });
  const nest = (loops: DimLoop[], body: (d: () => Expr, s: () => Expr) => Expr[]) =>
    stridedLoops(fn, [dst, src], loopsI32(mergeDims(loops), dim), ([d, s]) => body(d!, s!));

  if (perm[r - 1] === r - 1) {
    const run = dimMul(dims[r - 1]!, elem);
    return nest(outDims.slice(0, -1).map((_, i) => loop(i)), (d, s) => [fn.copy(d(), s(), dim(run))]);
  }
  if (elem === 4) {
    const q = perm.indexOf(r - 1);
    return nest(outDims.map((_, i) => loop(i)).filter((_, i) => i !== q && i !== r - 1), (d, s) =>
      tiled2d(fn, s, d, dims[r - 1]!, outDims[r - 1]!, is[perm[r - 1]!]!, os[q]!, dim));
  }
  return nest(outDims.map((_, i) => loop(i)), (d, s) => [copyElement(fn, dtype, d(), s())]);
}

const permOf = (node: Node, rank: number) => transposeAttrs(node).perm;

registerLowering({
  ops: ['Transpose'],
  runTimeDims: true,
  lower(context) {
    const ctx = staticViewIfAny(context);
    if (!ctx) return lowerTransposeRunTime(context);
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    const perm = permOf(node, x.dims.length);
    return transposeKernel(fn, x.dtype, x.dims, perm, () => fn.i(y.addr), () => fn.i(x.addr), (d) => d as number);
  },
});

function lowerTransposeRunTime(ctx: LowerContext): Expr[] {
  const { fn, node } = ctx;
  const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
  const perm = permOf(node, x.shape.length);
  return transposeKernel(fn, x.dtype, x.shape, perm, () => fn.i(y.addr()), () => fn.i(x.addr()), ctx.dim);
}
