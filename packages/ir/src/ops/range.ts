// Range(start, limit, delta): start, start + delta, … up to (excluding) limit, as
// max(ceil((limit - start) / delta), 0) elements of the inputs' common type. Element i is
// start + i * delta. The length depends on the VALUES of the three scalars; until they are
// known the output dim stays symbolic.
import { DType, halfToFloat, isBigInt } from '../dtype.js';
import { Dim, Node } from '../graph.js';
import { InferContext, OpDef, fail, input, registerOp } from '../op-registry.js';
import { dimSub } from '../dim-expr.js';
import { Tensor, makeTensor } from '../tensor.js';
import { unknownDim } from './shape-util.js';

const RANGE_DTYPES: readonly DType[] = ['float32', 'float64', 'float16', 'int16', 'int32', 'int64'];

function scalar(t: Tensor): number {
  const v = t.data[0]!;
  return t.dtype === 'float16' ? halfToFloat(v as number) : Number(v);
}

/** The element count of Range(start, limit, delta). */
export function rangeLength(node: Node, start: number, limit: number, delta: number): number {
  if (delta === 0) fail(node, 'delta must not be 0', 'INVALID_ATTRIBUTE');
  const n = Math.max(Math.ceil((limit - start) / delta), 0);
  if (!Number.isFinite(n)) fail(node, `range(${start}, ${limit}, ${delta}) has no finite length`, 'INVALID_ATTRIBUTE');
  return n;
}

/**
 * The length when start and limit are dim expressions (Range(0, Shape(x)[1]), Range(past, past + seq))
 * and delta is 1 or -1: limit - start (or start - limit), taken as non-negative, which holds for the
 * positions and masks exporters build this way.
 */
function symbolicLength(ctx: InferContext): Dim | undefined {
  const at = (i: number): Dim | undefined => {
    const v = ctx.values[i];
    if (!v) return ctx.symbolic?.[i]?.[0];
    const x = scalar(v);
    return Number.isInteger(x) ? x : undefined;
  };
  const [start, limit, delta] = [at(0), at(1), at(2)];
  if (start === undefined || limit === undefined || (delta !== 1 && delta !== -1)) return undefined;
  const n = delta === 1 ? dimSub(limit, start) : dimSub(start, limit);
  return typeof n === 'number' ? Math.max(n, 0) : n;
}

export const range: OpDef = {
  name: 'Range',
  group: 'shape',
  description: 'an arithmetic sequence start, start + delta, … below limit',
  infer(ctx) {
    const dtype = input(ctx, 0).dtype;
    if (!RANGE_DTYPES.includes(dtype)) fail(ctx.node, `dtype ${dtype} is not supported; expected one of ${RANGE_DTYPES.join(', ')}`, 'DTYPE_MISMATCH');
    for (let i = 0; i < 3; i++) {
      const t = input(ctx, i);
      if (t.dtype !== dtype) fail(ctx.node, `input ${i} has dtype ${t.dtype}; start has ${dtype}`, 'DTYPE_MISMATCH');
      if (t.shape.length !== 0 && !(t.shape.length === 1 && t.shape[0] === 1)) fail(ctx.node, `input ${i} must be a scalar, got shape [${t.shape}]`);
    }
    const [s, l, d] = ctx.values;
    if (!s || !l || !d) return [{ dtype, shape: [symbolicLength(ctx) ?? unknownDim(ctx.node, 0)] }];
    return [{ dtype, shape: [rangeLength(ctx.node, scalar(s), scalar(l), scalar(d))] }];
  },
  evaluate(node, [s, l, d]) {
    const start = scalar(s!), delta = scalar(d!);
    const n = rangeLength(node, start, scalar(l!), delta);
    if (isBigInt(s!.dtype)) {
      const b0 = s!.data[0] as bigint, bd = d!.data[0] as bigint;
      return [makeTensor(s!.dtype, [n], BigInt64Array.from({ length: n }, (_, i) => b0 + BigInt(i) * bd))];
    }
    return [makeTensor(s!.dtype, [n], Array.from({ length: n }, (_, i) => start + i * delta))];
  },
};

registerOp(range);
