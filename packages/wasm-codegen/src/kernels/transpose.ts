// Transpose. The permutation is first simplified: size-1 dims dropped, and input dims that stay
// adjacent in the output merged ([1,128,8,32] with perm [0,2,3,1] is a plain 2-D transpose of
// [128, 256]). Then:
//   - the innermost dim is unmoved: each output row is a contiguous run of the input, one memory.copy;
//   - 4-byte elements: the two dims that swap places with the innermost ones are walked in 4×4 tiles
//     transposed in registers with 8 shuffles (rows of the tile are contiguous on both sides);
//   - otherwise one element copy per output element.
import { DTYPE_BYTES, attrInts, stridesOf } from '@onnx2wasm/ir';
import { registerLowering } from '../lowering.js';
import { Expr, FnBuilder, Local } from '../wasm-builder.js';
import { LoopDim, copyElement, mergeDims, stridedLoops } from './strided-loops.js';

/** Drops size-1 dims and merges input dims that stay adjacent and in order in the output. */
export function simplifyPermutation(dims: number[], perm: number[]): { dims: number[]; perm: number[] } {
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
    dims: byInput.map((g) => g.reduce((p, a) => p * kept[a]!, 1)),
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
 * from base pointers `src`/`dst`: 4×4 register tiles plus scalar edges.
 */
function tiled2d(fn: FnBuilder, src: () => Expr, dst: () => Expr, X: number, Y: number, inRow: number, outRow: number): Expr[] {
  const X4 = X - (X % 4), Y4 = Y - (Y % 4);
  const x = fn.local('i32'), y = fn.local('i32'), ps = fn.local('i32'), pd = fn.local('i32');
  const r = [0, 1, 2, 3].map(() => fn.local('v128')), t = [0, 1, 2, 3].map(() => fn.local('v128'));
  const inAt = (yy: Expr, xx: Expr) => fn.add(src(), fn.shl(fn.add(fn.mul(yy, inRow), xx), 2));
  const outAt = (xx: Expr, yy: Expr) => fn.add(dst(), fn.shl(fn.add(fn.mul(xx, outRow), yy), 2));
  const tile: Expr[] = [
    ps.set(inAt(y.get(), x.get())),
    pd.set(outAt(x.get(), y.get())),
    ...r.map((v, k) => v.set(fn.vload(ps.get(), 4 * k * inRow))),
    ...transpose4x4(fn, r, t),
    ...r.map((v, k) => fn.vstore(pd.get(), v.get(), 4 * k * outRow)),
  ];
  const one = () => fn.storeI32(outAt(x.get(), y.get()), fn.loadI32(inAt(y.get(), x.get())));
  return [
    fn.for(y, 0, Y4, 4, [fn.for(x, 0, X4, 4, tile), fn.for(x, X4, X, 1, [0, 1, 2, 3].map((k) => fn.storeI32(outAt(x.get(), fn.add(y.get(), k)), fn.loadI32(inAt(fn.add(y.get(), k), x.get())))))]),
    fn.for(y, Y4, Y, 1, [fn.for(x, 0, X, 1, [one()])]),
  ];
}

registerLowering({
  ops: ['Transpose'],
  lower(ctx) {
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    const rank = x.dims.length;
    const elem = DTYPE_BYTES[x.dtype];
    const { dims, perm } = simplifyPermutation(x.dims, attrInts(node, 'perm', Array.from({ length: rank }, (_, i) => rank - 1 - i)));
    const total = dims.reduce((p, d) => p * d, 1) * elem;
    if (total === 0) return [];
    const r = dims.length;
    if (r <= 1 || perm.every((p, i) => p === i)) return [fn.copy(y.addr, x.addr, total)];
    const outDims = perm.map((p) => dims[p]!);
    const is = stridesOf(dims), os = stridesOf(outDims);
    const loop = (i: number): LoopDim => ({ count: outDims[i]!, strides: [os[i]! * elem, is[perm[i]!]! * elem] });
    const xAddr = x.addr;

    if (perm[r - 1] === r - 1) {
      const run = dims[r - 1]! * elem;
      const outer = mergeDims(outDims.slice(0, -1).map((_, i) => loop(i)));
      return stridedLoops(fn, [y.addr, xAddr], outer, ([d, s]) => [fn.copy(d!(), s!(), run)]);
    }
    if (elem === 4) {
      const q = perm.indexOf(r - 1);
      const outer = mergeDims(outDims.map((_, i) => loop(i)).filter((_, i) => i !== q && i !== r - 1));
      return stridedLoops(fn, [y.addr, xAddr], outer, ([d, s]) =>
        tiled2d(fn, s!, d!, dims[r - 1]!, outDims[r - 1]!, is[perm[r - 1]!]!, os[q]!));
    }
    const all = mergeDims(outDims.map((_, i) => loop(i)));
    return stridedLoops(fn, [y.addr, xAddr], all, ([d, s]) => [copyElement(fn, x.dtype, d!(), s!())]);
  },
});
