// ArgMax / ArgMin(x) {axis = 0, keepdims = 1, select_last_index = 0}: the int64 index of the
// largest (smallest) element along one axis; ties go to the first index, or the last with
// select_last_index. NaN follows onnxruntime (docs/errors.md): the scan starts at the first element
// and a later one replaces the best only if it compares greater (smaller), or equal for the last
// index; so a NaN wins only as the first element and is skipped anywhere else.
import { DType, FLOAT_DTYPES, INT_DTYPES, halfToFloat } from '../dtype.js';
import { Dim, Node, ValueType } from '../graph.js';
import { InferContext, OpDef, attrInt, expectDType, fail, input, normalizeAxis, registerOp } from '../op-registry.js';
import { Tensor, makeTensor, sizeOf } from '../tensor.js';
import { softmaxAttrs } from './softmax.js';

export const ARG_DTYPES: readonly DType[] = [...FLOAT_DTYPES, ...INT_DTYPES];

/** The normalized axis and the [outer, n, inner] view of x around it. */
export function axisView(node: Node, dims: readonly number[], axis: number): { axis: number; outer: number; n: number; inner: number } {
  const a = normalizeAxis(node, axis, dims.length);
  return { axis: a, outer: sizeOf(dims.slice(0, a)), n: dims[a] ?? 1, inner: sizeOf(dims.slice(a + 1)) };
}

/**
 * Whether `x` at a later index replaces the current best `b`: strictly better for the first index,
 * better or equal for the last. With `nanIsExtreme` (Hardmax) a NaN beats everything but an
 * earlier NaN (for the first index); without (ArgMax/ArgMin, as onnxruntime) the plain comparison
 * decides, so a NaN never replaces and a leading NaN is never replaced.
 */
export function replacesBest(x: number | bigint, b: number | bigint, max: boolean, last: boolean, nanIsExtreme = false): boolean {
  if (nanIsExtreme && Number.isNaN(b)) return last && Number.isNaN(x);
  if (nanIsExtreme && Number.isNaN(x)) return true;
  if (x === b) return last;
  return max ? x > b : x < b;
}

/** ArgMax's and ArgMin's attributes. */
export interface ArgExtremeAttrs { axis: number; keepdims: boolean; selectLastIndex: boolean }

export function argExtremeAttrs(node: Node): ArgExtremeAttrs {
  return { axis: attrInt(node, 'axis'), keepdims: attrInt(node, 'keepdims') !== 0, selectLastIndex: attrInt(node, 'select_last_index') !== 0 };
}

function defineArg(name: 'ArgMax' | 'ArgMin'): OpDef {
  const max = name === 'ArgMax';
  return {
    name,
    group: 'reduce',
    description: `int64 index of the ${max ? 'largest' : 'smallest'} element along an axis`,
    infer(ctx) {
      expectDType(ctx, 0, ARG_DTYPES);
      const shape = input(ctx, 0).shape;
      const attrs = argExtremeAttrs(ctx.node);
      const axis = normalizeAxis(ctx.node, attrs.axis, shape.length);
      if (shape[axis] === 0) fail(ctx.node, `cannot take ${name} over the empty axis ${axis}`);
      const keep = attrs.keepdims;
      const out: Dim[] = shape.flatMap((d, i) => (i !== axis ? [d] : keep ? [1] : []));
      return [{ dtype: 'int64', shape: out }];
    },
    evaluate(node, [x]) {
      const dims = x!.dims;
      const attrs = argExtremeAttrs(node);
      const { axis, outer, n, inner } = axisView(node, dims, attrs.axis);
      const last = attrs.selectLastIndex;
      const keep = attrs.keepdims;
      const out = makeTensor('int64', dims.flatMap((d, i) => (i !== axis ? [d] : keep ? [1] : [])));
      const at = valueReader(x!);
      for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
        let best = 0;
        for (let k = 1; k < n; k++) if (replacesBest(at((o * n + k) * inner + i), at((o * n + best) * inner + i), max, last)) best = k;
        (out.data as BigInt64Array)[o * inner + i] = BigInt(best);
      }
      return [out];
    },
  };
}

/** Element k for comparisons: float16 decoded, 64-bit integers kept exact as BigInt. */
export function valueReader(x: Tensor): (k: number) => number | bigint {
  return x.dtype === 'float16' ? (k) => halfToFloat(x.data[k] as number) : (k) => x.data[k]!;
}

registerOp(defineArg('ArgMax'));
registerOp(defineArg('ArgMin'));

/** Inference of a float op that keeps its input's shape and works along attribute `axis`. */
export function inferFloatAlongAxis(ctx: InferContext): ValueType[] {
  const dtype = expectDType(ctx, 0, FLOAT_DTYPES);
  const x = input(ctx, 0);
  normalizeAxis(ctx.node, softmaxAttrs(ctx.node).axis, x.shape.length);
  return [{ dtype, shape: [...x.shape] }];
}
