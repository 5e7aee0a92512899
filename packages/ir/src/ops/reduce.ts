// The reduction family — ReduceSum, ReduceProd, ReduceMax, ReduceMin, ReduceSumSquare, ReduceL1,
// ReduceL2, ReduceLogSum, ReduceLogSumExp — as one definition parameterized by the kind. All take
// x {axes, keepdims, noop_with_empty_axes} like ReduceMean (the importer turns the axes input of
// newer opsets into the attribute). Each output element is the kind's reduction of the list of
// input elements that map to it; reducing an empty list gives the kind's identity (0, 1, -inf …).
import { DType, DTYPE_BYTES, FLOAT_DTYPES, INT_DTYPES, floatToHalf, halfToFloat, isBigInt } from '../dtype.js';
import { Node } from '../graph.js';
import { OpDef, attrString, expectDType, fail, input, registerOp } from '../op-registry.js';
import { indices } from '../reference.js';
import { Tensor, makeTensor, sizeOf, stridesOf } from '../tensor.js';
import { reduceMean, reducedAxes, reducedShape } from './reduce-mean.js';

export interface ReduceKind {
  op: string;
  description: string;
  dtypes: readonly DType[];
  /** The reduction of one output slot's values, computed in float64. */
  float(xs: number[]): number;
  /** The same on integer values (exact; the caller wraps to the dtype's width). */
  int?(xs: bigint[], lowest: bigint, highest: bigint): bigint;
}

const NUMERIC: readonly DType[] = [...FLOAT_DTYPES, ...INT_DTYPES];
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const bsum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);
const babs = (x: bigint) => (x < 0n ? -x : x);

function logSumExp(xs: number[]): number {
  // Shifted by the max so that large inputs do not overflow; an infinite or NaN max is the answer.
  const m = Math.max(-Infinity, ...xs);
  if (!Number.isFinite(m)) return m;
  return m + Math.log(sum(xs.map((x) => Math.exp(x - m))));
}

export const REDUCE_KINDS: Record<string, ReduceKind> = {
  ReduceSum: { op: 'ReduceSum', description: 'sum', dtypes: NUMERIC, float: sum, int: bsum },
  ReduceProd: { op: 'ReduceProd', description: 'product', dtypes: NUMERIC, float: (xs) => xs.reduce((a, b) => a * b, 1), int: (xs) => xs.reduce((a, b) => a * b, 1n) },
  ReduceMax: {
    op: 'ReduceMax', description: 'maximum (False < True for bool)', dtypes: [...NUMERIC, 'bool'],
    float: (xs) => Math.max(-Infinity, ...xs),
    int: (xs, lowest) => xs.reduce((a, b) => (b > a ? b : a), lowest),
  },
  ReduceMin: {
    op: 'ReduceMin', description: 'minimum (False < True for bool)', dtypes: [...NUMERIC, 'bool'],
    float: (xs) => Math.min(Infinity, ...xs),
    int: (xs, _lowest, highest) => xs.reduce((a, b) => (b < a ? b : a), highest),
  },
  ReduceSumSquare: { op: 'ReduceSumSquare', description: 'sum of squares', dtypes: NUMERIC, float: (xs) => sum(xs.map((x) => x * x)), int: (xs) => bsum(xs.map((x) => x * x)) },
  ReduceL1: { op: 'ReduceL1', description: 'sum of absolute values', dtypes: NUMERIC, float: (xs) => sum(xs.map(Math.abs)), int: (xs) => bsum(xs.map(babs)) },
  ReduceL2: { op: 'ReduceL2', description: 'square root of the sum of squares', dtypes: FLOAT_DTYPES, float: (xs) => Math.sqrt(sum(xs.map((x) => x * x))) },
  ReduceLogSum: { op: 'ReduceLogSum', description: 'log of the sum', dtypes: FLOAT_DTYPES, float: (xs) => Math.log(sum(xs)) },
  ReduceLogSumExp: { op: 'ReduceLogSumExp', description: 'log of the sum of exponentials (max-shifted)', dtypes: FLOAT_DTYPES, float: logSumExp },
};

/** The smallest and largest value of an integer dtype (bool is 0..1). */
export function intRange(dtype: DType): [bigint, bigint] {
  if (dtype === 'bool') return [0n, 1n];
  const bits = BigInt(8 * DTYPE_BYTES[dtype]);
  return dtype.startsWith('u') ? [0n, (1n << bits) - 1n] : [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n];
}

/** An exact integer result wrapped to the dtype's width, as the wasm kernels compute it. */
export function wrapInt(dtype: DType, v: bigint): bigint {
  const bits = 8 * DTYPE_BYTES[dtype];
  return intRange(dtype)[0] < 0n ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
}

/** The value an empty reduction gives, as a number (what the kernel stores when a reduced dim is 0). */
export function emptyReduction(kind: ReduceKind, dtype: DType): number | bigint {
  if (!kind.int || FLOAT_DTYPES.includes(dtype)) return kind.float([]);
  const [lo, hi] = intRange(dtype);
  return kind.int([], lo, hi);
}

/** Reference: buckets every input element by its output slot, then reduces each bucket. */
function evaluateReduce(kind: ReduceKind, node: Node, x: Tensor): Tensor {
  const dims = x.dims;
  const axes = reducedAxes(node, dims.length);
  const keptDims = dims.map((d, i) => (axes.includes(i) ? 1 : d));
  const outStrides = stridesOf(keptDims);
  // Integers stay exact (BigInt) until the final wrap to the dtype's width.
  const integer = !FLOAT_DTYPES.includes(x.dtype);
  const read = x.dtype === 'float16' ? (k: number) => halfToFloat(x.data[k] as number) : integer ? (k: number) => BigInt(x.data[k]!) : (k: number) => Number(x.data[k]!);
  const buckets = Array.from({ length: sizeOf(keptDims) }, () => [] as (number | bigint)[]);
  let k = 0;
  for (const idx of indices(dims)) {
    let o = 0;
    for (let d = 0; d < idx.length; d++) if (!axes.includes(d)) o += idx[d]! * outStrides[d]!;
    buckets[o]!.push(read(k++));
  }
  const out = makeTensor(x.dtype, reducedShape(node, dims));
  const [lo, hi] = integer ? intRange(x.dtype) : [0n, 0n];
  buckets.forEach((xs, i) => {
    if (!integer) {
      const v = kind.float(xs as number[]);
      out.data[i] = x.dtype === 'float16' ? floatToHalf(v) : v;
      return;
    }
    const r = wrapInt(x.dtype, kind.int!(xs as bigint[], lo, hi));
    out.data[i] = (isBigInt(x.dtype) ? r : Number(r)) as never;
  });
  return out;
}

/** Every reduction's id: the table above and ReduceMean (reduce-mean.ts). */
export function isReduceFunction(id: string): boolean {
  return id === 'ReduceMean' || Object.hasOwn(REDUCE_KINDS, id);
}

/** The kind of a Reduce node other than ReduceMean, or an INVALID_ATTRIBUTE error naming it. */
function reduceKind(node: Node): ReduceKind | 'mean' {
  const id = attrString(node, 'fn');
  if (!isReduceFunction(id)) fail(node, `'${id}' is not a reduction`, 'INVALID_ATTRIBUTE');
  return id === 'ReduceMean' ? 'mean' : REDUCE_KINDS[id]!;
}

const reduce: OpDef = {
  name: 'Reduce',
  group: 'reduce',
  description: 'reduction `fn` (ReduceSum, ReduceMean, ReduceMax, …) over the listed axes (all when empty, none with noop_with_empty_axes)',
  infer(ctx) {
    const kind = reduceKind(ctx.node);
    if (kind === 'mean') return reduceMean.infer(ctx);
    const dtype = expectDType(ctx, 0, kind.dtypes);
    return [{ dtype, shape: reducedShape(ctx.node, input(ctx, 0).shape) }];
  },
  evaluate(node, inputs) {
    const kind = reduceKind(node);
    return kind === 'mean' ? reduceMean.evaluate(node, inputs) : [evaluateReduce(kind, node, inputs[0]!)];
  },
  flops(ctx) { return sizeOf(input(ctx, 0).shape.filter((d): d is number => typeof d === 'number')); },
};

registerOp(reduce);
