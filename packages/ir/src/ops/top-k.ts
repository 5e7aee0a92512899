// TopK(x) {k, axis = -1, largest = 1, sorted = 1} → (values, int64 indices): the k largest
// (smallest) elements along one axis, best first. Equal values keep index order (the lower index
// first), as the ONNX spec asks; NaN sorts above every number, like numpy. Results are always
// sorted, which sorted = 0 permits. The importer turns the opset-10 k input into the attribute.
import { FLOAT_DTYPES, INT_DTYPES } from '../dtype.js';
import { OpDef, attrInt, expectDType, fail, input, normalizeAxis, registerOp } from '../op-registry.js';
import { makeTensor } from '../tensor.js';
import { axisView, valueReader } from './arg-extreme.js';

/** Whether a sorts strictly before b in the output order. */
export function topKBefore(a: number | bigint, b: number | bigint, largest: boolean): boolean {
  const an = Number.isNaN(a), bn = Number.isNaN(b);
  if (an || bn) return largest ? an && !bn : bn && !an;
  return largest ? a > b : a < b;
}

export const topK: OpDef = {
  name: 'TopK',
  group: 'reduce',
  description: 'the k largest (or smallest) elements along an axis and their int64 indices',
  infer(ctx) {
    const dtype = expectDType(ctx, 0, [...FLOAT_DTYPES, ...INT_DTYPES]);
    const shape = input(ctx, 0).shape;
    const axis = normalizeAxis(ctx.node, attrInt(ctx.node, 'axis', -1), shape.length);
    const k = attrInt(ctx.node, 'k');
    const n = shape[axis]!;
    if (k < 0 || (typeof n === 'number' && k > n)) fail(ctx.node, `k = ${k} is out of range for an axis of size ${n}`, 'INVALID_ATTRIBUTE');
    const out = shape.map((d, i) => (i === axis ? k : d));
    return [{ dtype, shape: out }, { dtype: 'int64', shape: [...out] }];
  },
  evaluate(node, [x]) {
    const dims = x!.dims;
    const { axis, outer, n, inner } = axisView(node, dims, attrInt(node, 'axis', -1));
    const k = attrInt(node, 'k'), largest = attrInt(node, 'largest', 1) !== 0;
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
