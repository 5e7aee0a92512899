// Unique with run-time values: the distinct count U is a value-dependent dim (at most the length
// along the axis, or the element count without one). x is viewed as [outer, n, inner]; entry j is
// the slice x[:, j, :] (one element without an axis). O(n²) slice comparisons, no sort:
//   1. group each entry with the first equal earlier entry (groups numbered by first occurrence);
//   2. sorted: a group's place is the number of groups whose slice is lexicographically smaller;
//      unsorted: its number;
//   3. write Y (first slice of each group at its place), indices, inverse indices and counts.
// Scratch (i32 per entry): group of entry, first entry of group, count of group, place of group.
import { Dim, Node, computedDimSymbol, dimMul, dimProduct, normalizeAxis, uniqueAttrs } from '@onnx2wasm/ir';
import { LowerContext, registerLowering, unsupported } from '../../lowering.js';
import { Expr, I32 } from '../../wasm-builder.js';
import { scalarType } from '../emit/scalar-types.js';

const isFlat = (node: Node) => uniqueAttrs(node).axis === undefined;
/** The count's symbol, as inference names it (outputs other than Y may be omitted). */
const countSymbol = (node: Node): string => computedDimSymbol(node, 'count');
/** Entries along the unique axis (all elements without an axis). */
const entries = (node: Node, shape: Dim[]): Dim => (isFlat(node) ? dimProduct(shape) : shape[normalizeAxis(node, uniqueAttrs(node).axis!, shape.length)]!);

function lowerUnique(ctx: LowerContext): Expr[] {
  const { fn, node } = ctx;
  const x = ctx.inputs[0]!;
  const [y, firstOut, inverseOut, countsOut] = ctx.outputs;
  const t = scalarType(x.dtype);
  if (!t) unsupported(ctx, `dtype ${x.dtype}`);
  const h = ctx;
  const rank = x.shape.length, flat = isFlat(node);
  const axis = flat ? 0 : normalizeAxis(node, uniqueAttrs(node).axis!, rank);
  const n = () => ctx.dim(entries(node, x.shape));
  const outer = () => (flat ? 1 : x.count(0, axis)), inner = () => (flat ? 1 : x.count(axis + 1, rank));
  const { sorted } = uniqueAttrs(node);
  const j = fn.local('i32'), k = fn.local('i32'), u = fn.local('i32'), v = fn.local('i32'), o = fn.local('i32'), i = fn.local('i32');
  const groups = fn.local('i32'), cmp = fn.local('i32'), place = fn.local('i32');
  const groupOf = fn.local('i32'), firstOf = fn.local('i32'), countOf = fn.local('i32'), placeOf = fn.local('i32');
  const arr = (base: typeof groupOf, idx: () => I32) => fn.add(base.get(), fn.shl(idx(), 2));
  const elem = (slice: () => I32) => t.load(h, fn.add(x.addr(), fn.mul(fn.add(fn.mul(fn.add(fn.mul(o.get(), n()), slice()), inner()), i.get()), t.bytes)));
  const op = (name: 'eq' | 'ne' | 'lt' | 'gt' | 'le' | 'ge', a: Expr, b: Expr) => (t.wasm === 'i32' ? fn.num('i32', name === 'eq' || name === 'ne' ? name : `${name}_${t.signed ? 's' : 'u'}`, a, b) : fn.num(t.wasm, t.float || name === 'eq' || name === 'ne' ? name : `${name}_${t.signed ? 's' : 'u'}`, a, b));
  // cmp = sign of slice(a) - slice(b) at the first element (row-major over outer, inner) where they differ.
  const compare = (a: () => I32, b: () => I32): Expr[] => [
    cmp.set(fn.i(0)),
    fn.for(o, 0, outer(), 1, [fn.for(i, 0, inner(), 1, [
      fn.if(fn.eqz(cmp.get()), [fn.if(op('ne', elem(a), elem(b)), [cmp.set(fn.selectI(op('lt', elem(a), elem(b)), -1, 1))])]),
    ])]),
  ];
  const scratchAt = (part: number) => fn.add(ctx.scratch(), fn.mul(n(), 4 * part));
  return [
    groupOf.set(scratchAt(0)), firstOf.set(scratchAt(1)), countOf.set(scratchAt(2)), placeOf.set(scratchAt(3)),
    groups.set(fn.i(0)),
    // 1. Groups by first occurrence.
    fn.for(j, 0, n(), 1, [
      u.set(fn.i(-1)),
      fn.for(v, 0, groups.get(), 1, [fn.if(fn.ltS(u.get(), 0), [
        ...compare(() => j.get(), () => fn.loadI32(arr(firstOf, () => v.get()))),
        fn.if(fn.eqz(cmp.get()), [u.set(v.get())]),
      ])]),
      fn.if(fn.ltS(u.get(), 0), [
        u.set(groups.get()),
        fn.storeI32(arr(firstOf, () => u.get()), j.get()),
        fn.storeI32(arr(countOf, () => u.get()), fn.i(0)),
        groups.set(fn.add(groups.get(), 1)),
      ]),
      fn.storeI32(arr(groupOf, () => j.get()), u.get()),
      fn.storeI32(arr(countOf, () => u.get()), fn.add(fn.loadI32(arr(countOf, () => u.get())), 1)),
    ]),
    ctx.setDim(countSymbol(node), groups.get()),
    // 2. Places.
    fn.for(u, 0, groups.get(), 1, sorted
      ? [
        place.set(fn.i(0)),
        fn.for(v, 0, groups.get(), 1, [
          ...compare(() => fn.loadI32(arr(firstOf, () => v.get())), () => fn.loadI32(arr(firstOf, () => u.get()))),
          fn.if(fn.ltS(cmp.get(), 0), [place.set(fn.add(place.get(), 1))]),
        ]),
        fn.storeI32(arr(placeOf, () => u.get()), place.get()),
      ]
      : [fn.storeI32(arr(placeOf, () => u.get()), u.get())]),
    // 3. Outputs: Y is [outer, U, inner] around the axis.
    fn.for(u, 0, groups.get(), 1, [
      place.set(fn.loadI32(arr(placeOf, () => u.get()))),
      k.set(fn.loadI32(arr(firstOf, () => u.get()))),
      fn.for(o, 0, outer(), 1, [fn.for(i, 0, inner(), 1, [
        t.store(h, fn.add(y!.addr(), fn.mul(fn.add(fn.mul(fn.add(fn.mul(o.get(), groups.get()), place.get()), inner()), i.get()), t.bytes)), elem(() => k.get())),
      ])]),
      ...(firstOut ? [fn.storeI64(fn.add(firstOut.addr(), fn.shl(place.get(), 3)), fn.i32ToI64(k.get()))] : []),
      ...(countsOut ? [fn.storeI64(fn.add(countsOut.addr(), fn.shl(place.get(), 3)), fn.i32ToI64(fn.loadI32(arr(countOf, () => u.get()))))] : []),
    ]),
    ...(inverseOut ? [fn.for(j, 0, n(), 1, [
      fn.storeI64(fn.add(inverseOut.addr(), fn.shl(j.get(), 3)), fn.i32ToI64(fn.loadI32(arr(placeOf, () => fn.loadI32(arr(groupOf, () => j.get())))))),
    ])] : []),
  ];
}

registerLowering({
  ops: ['Unique'],
  runTimeDims: true,
  alwaysRunTime: true,
  computedDims: (node, [x]) => [{ symbol: countSymbol(node), bound: entries(node, x!.shape) }],
  runTimeScratchBytes: (node, [x]) => dimMul(entries(node, x!.shape), 16),
  lower: (ctx) => (ctx.static ? unsupported(ctx, 'Unique without its run-time count') : lowerUnique(ctx)),
});
