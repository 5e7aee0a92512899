// Unique(x) {sorted, axis?}: the distinct elements (or slices along axis) of x, with the index of
// each one's first occurrence, each input entry's index into the result, and the counts. Sorted
// ascending (slices lexicographically) by default, else in order of first occurrence. The count
// depends on the values: with x known the node folds, otherwise it is a value-dependent dim
// computed by the kernel (computed-dims.ts), at most the length along the axis.
import { Node } from '../graph.js';
import { OpDef, attrInt, input, normalizeAxis, registerOp } from '../op-registry.js';
import { dimProduct } from '../dim-expr.js';
import { computedDimSymbol } from './computed-dims.js';
import { Tensor, getNumber, makeTensor, sizeOf, stridesOf } from '../tensor.js';
import { inferFromValues } from './data-dependent.js';

export interface UniqueAttrs {
  /** undefined: unique over the flattened elements. */
  axis: number | undefined;
  sorted: boolean;
}

export function uniqueAttrs(node: Node): UniqueAttrs {
  const flat = node.attrs.axis === undefined || node.attrs.axis === null;
  return { axis: flat ? undefined : attrInt(node, 'axis'), sorted: attrInt(node, 'sorted') !== 0 };
}

/** x viewed as [outer, len, inner] around the unique axis (len = all elements without an axis). */
function slices(node: Node, x: Tensor): { len: number; key: (k: number) => number[]; take: (ks: number[]) => number[] } {
  const given = uniqueAttrs(node).axis, flat = given === undefined;
  const dims = x.dims;
  const axis = flat ? 0 : normalizeAxis(node, given, dims.length);
  const len = flat ? sizeOf(dims) : dims[axis]!;
  const inner = flat ? 1 : stridesOf(dims)[axis]!, outer = flat ? 1 : sizeOf(dims.slice(0, axis));
  const key = (k: number) => {
    const v: number[] = [];
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) v.push(getNumber(x, (o * len + k) * inner + i));
    return v;
  };
  const take = (ks: number[]) => {
    const v: number[] = [];
    for (let o = 0; o < outer; o++) for (const k of ks) for (let i = 0; i < inner; i++) v.push(getNumber(x, (o * len + k) * inner + i));
    return v;
  };
  return { len, key, take };
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

export const unique: OpDef = {
  name: 'Unique',
  group: 'shape',
  description: 'distinct elements or slices with first indices, inverse indices and counts (count computed at run time)',
  infer: (ctx) => {
    if (ctx.values[0]) return inferFromValues(ctx, unique, [0]);
    const x = input(ctx, 0);
    const u = computedDimSymbol(ctx.node, 'count');
    const given = uniqueAttrs(ctx.node).axis, flat = given === undefined;
    const axis = flat ? 0 : normalizeAxis(ctx.node, given, x.shape.length);
    const len = flat ? dimProduct(x.shape) : x.shape[axis]!;
    return [
      { dtype: x.dtype, shape: flat ? [u] : x.shape.map((d, a) => (a === axis ? u : d)) },
      { dtype: 'int64', shape: [u] },
      { dtype: 'int64', shape: [len] },
      { dtype: 'int64', shape: [u] },
    ];
  },
  evaluate(node, [x]) {
    const { len, key, take } = slices(node, x!);
    const firsts: number[] = [], keys: number[][] = [], seen = new Map<string, number>();
    const inverseFirst: number[] = [];
    for (let k = 0; k < len; k++) {
      const kv = key(k), id = JSON.stringify(kv);
      if (!seen.has(id)) { seen.set(id, firsts.length); firsts.push(k); keys.push(kv); }
      inverseFirst.push(seen.get(id)!);
    }
    let order = firsts.map((_, u) => u);
    if (uniqueAttrs(node).sorted) order = order.sort((a, b) => compareKeys(keys[a]!, keys[b]!) || a - b);
    const rank = new Array<number>(order.length);
    order.forEach((u, r) => { rank[u] = r; });
    const counts = new Array<number>(order.length).fill(0);
    inverseFirst.forEach((u) => { counts[rank[u]!]!++; });
    const picked = order.map((u) => firsts[u]!);
    const given = uniqueAttrs(node).axis;
    const dims = given === undefined ? [picked.length] : x!.dims.map((d, a) => (a === normalizeAxis(node, given, x!.dims.length) ? picked.length : d));
    return [
      makeTensor(x!.dtype, dims, take(picked)),
      makeTensor('int64', [picked.length], picked),
      makeTensor('int64', [len], inverseFirst.map((u) => rank[u]!)),
      makeTensor('int64', [picked.length], counts),
    ];
  },
};

registerOp(unique);
