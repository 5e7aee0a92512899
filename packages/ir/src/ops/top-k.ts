// TopK(x) {k, axis = -1, largest = 1, sorted = 1} → (values, int64 indices): the k largest
// (smallest) elements along one axis, best first. Equal values keep index order (the lower index
// first), as the ONNX spec asks; NaN sorts above every number, like numpy. Results are always
// sorted, which sorted = 0 permits. The importer turns a constant opset-10 k input into the
// attribute; a k known only at run time stays input 1 and makes a value-dependent dim.
import { FLOAT_DTYPES, INT_DTYPES } from '../dtype.js';
import { OpDef, attrInt, expectDType, fail, input, normalizeAxis, registerOp } from '../op-registry.js';
import { Dim, Node } from '../graph.js';
import { Tensor, getNumber, makeTensor } from '../tensor.js';
import { computedDimSymbol } from './computed-dims.js';
import { axisView, valueReader } from './arg-extreme.js';

/** Whether a sorts strictly before b in the output order. */
export function topKBefore(a: number | bigint, b: number | bigint, largest: boolean): boolean {
  const an = Number.isNaN(a), bn = Number.isNaN(b);
  if (an || bn) return largest ? an && !bn : bn && !an;
  return largest ? a > b : a < b;
}

export interface TopKAttrs {
  axis: number;
  largest: boolean;
  /** undefined: k is the 1-element input 1, which the importer keeps when k is known only at run time. */
  k: number | undefined;
}

export function topKAttrs(node: Node): TopKAttrs {
  const k = node.attrs.k !== undefined || !node.inputs[1] ? attrInt(node, 'k') : undefined; // no k at all fails naming the attribute
  return { axis: attrInt(node, 'axis'), largest: attrInt(node, 'largest') !== 0, k };
}

/** k from the attribute, or from input 1's value; undefined when that value is not known. */
export function topKValue(node: Node, kInput: Tensor | undefined): number | undefined {
  const { k } = topKAttrs(node);
  if (k !== undefined) return k;
  return kInput ? getNumber(kInput, 0) : undefined;
}

export const topK: OpDef = {
  name: 'TopK',
  group: 'reduce',
  description: 'the k largest (or smallest) elements along an axis and their int64 indices',
  infer(ctx) {
    const dtype = expectDType(ctx, 0, [...FLOAT_DTYPES, ...INT_DTYPES]);
    const shape = input(ctx, 0).shape;
    const axis = normalizeAxis(ctx.node, topKAttrs(ctx.node).axis, shape.length);
    const n = shape[axis]!;
    const known = topKValue(ctx.node, ctx.values[1]);
    // A k input known only at run time is a value-dependent dim, bounded by the axis length.
    const k: Dim = known ?? computedDimSymbol(ctx.node, 'k');
    if (typeof k === 'number' && (k < 0 || (typeof n === 'number' && k > n))) fail(ctx.node, `k = ${k} is out of range for an axis of size ${n}`, 'INVALID_ATTRIBUTE');
    const out = shape.map((d, i) => (i === axis ? k : d));
    return [{ dtype, shape: out }, { dtype: 'int64', shape: [...out] }];
  },
  evaluate(node, [x, kInput]) {
    const dims = x!.dims;
    const attrs = topKAttrs(node);
    const { axis, outer, n, inner } = axisView(node, dims, attrs.axis);
    const k = topKValue(node, kInput)!, largest = attrs.largest;
    const at = valueReader(x!);
    const outDims = dims.map((d, i) => (i === axis ? k : d));
    const values: (number | bigint)[] = [], indices: number[] = [];
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
      const idx = (j: number) => (o * n + j) * inner + i;
      // A stable sort keeps equal values in index order.
      const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => (topKBefore(at(idx(a)), at(idx(b)), largest) ? -1 : topKBefore(at(idx(b)), at(idx(a)), largest) ? 1 : 0));
      order.slice(0, k).forEach((j, r) => {
        values[(o * k + r) * inner + i] = at(idx(j));
        indices[(o * k + r) * inner + i] = j;
      });
    }
    return [makeTensor(x!.dtype, outDims, values as number[]), makeTensor('int64', outDims, indices)];
  },
};

registerOp(topK);
