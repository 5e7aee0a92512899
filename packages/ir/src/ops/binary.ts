// Binary: one IR op for every two-input broadcasting elementwise function (arithmetic,
// comparison, logic, bitwise), the function named by attribute `fn`. The table below is each
// function's definition: the dtypes it takes, its result dtype and its reference.
import { DType } from '../dtype.js';
import { Node } from '../graph.js';
import { InferContext, OpDef, attrInt, attrString, broadcastShapes, expectInputCount, fail, input, registerOp } from '../op-registry.js';
import { mapElementwise } from '../reference.js';

const INTS: DType[] = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'];
const FLOATS: DType[] = ['float32', 'float64', 'float16'];
const NUMERIC: DType[] = [...FLOATS, ...INTS];
const ORDERED: DType[] = [...NUMERIC, 'bool'];

export interface BinaryFunction {
  fn: (a: number, b: number, node: Node, dtype: DType) => number;
  dtypes: DType[];
  description: string;
  /** The result is bool (a comparison or logic function); else the inputs' dtype. */
  bool?: boolean;
  /** The exponent may have another dtype than the base (Pow). */
  mixedDTypes?: boolean;
  /** Attribute checks beyond the dtypes. */
  check?(ctx: InferContext, dtype: DType): void;
}

/** Mod's parameter: fmod (C's fmod, sign of the dividend) or Python's remainder (sign of the divisor). */
export interface ModAttrs { fmod: boolean }
export function modAttrs(node: Node): ModAttrs {
  return { fmod: attrInt(node, 'fmod') !== 0 };
}

export interface BitShiftAttrs { direction: 'LEFT' | 'RIGHT' }
export function bitShiftAttrs(node: Node): BitShiftAttrs {
  const d = attrString(node, 'direction');
  if (d !== 'LEFT' && d !== 'RIGHT') fail(node, `direction must be LEFT or RIGHT, got '${d}'`, 'INVALID_ATTRIBUTE');
  return { direction: d };
}

/** C's pow: 1 ** y and (-1) ** ±Inf are 1 even for NaN y, where Math.pow gives NaN (onnxruntime uses powf). */
const cPow = (a: number, b: number) => (a === 1 || (a === -1 && Math.abs(b) === Infinity) ? 1 : Math.pow(a, b));
const isIntegral = (d: DType) => !FLOATS.includes(d);

export const BINARY_FUNCTIONS: Readonly<Record<string, BinaryFunction>> = {
  Add: { fn: (a, b) => a + b, dtypes: NUMERIC, description: 'a + b with broadcasting' },
  Sub: { fn: (a, b) => a - b, dtypes: NUMERIC, description: 'a - b with broadcasting' },
  Mul: { fn: (a, b) => a * b, dtypes: NUMERIC, description: 'a * b with broadcasting' },
  Div: { fn: (a, b, _n, d) => (isIntegral(d) ? (b === 0 ? 0 : Math.trunc(a / b)) : a / b), dtypes: NUMERIC, description: 'a / b with broadcasting (integers truncate)' },
  Pow: { fn: (a, b) => cPow(a, b), dtypes: NUMERIC, mixedDTypes: true, description: 'a ** b with broadcasting' },
  Max: { fn: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)), dtypes: NUMERIC, description: 'elementwise maximum' },
  Min: { fn: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)), dtypes: NUMERIC, description: 'elementwise minimum' },
  Mod: {
    fn: (a, b, n) => {
      if (modAttrs(n).fmod) return a % b;
      if (b === 0) return Number.isInteger(a) ? 0 : NaN;
      const r = a % b;
      return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
    },
    dtypes: NUMERIC, description: 'remainder (fmod=1: sign of the dividend, else of the divisor)',
    check(ctx, d) { if (!modAttrs(ctx.node).fmod && FLOATS.includes(d)) fail(ctx.node, 'fmod=0 on floating point inputs is invalid', 'INVALID_ATTRIBUTE'); },
  },
  Equal: { fn: (a, b) => +(a === b), dtypes: ORDERED, bool: true, description: 'a == b' },
  Less: { fn: (a, b) => +(a < b), dtypes: ORDERED, bool: true, description: 'a < b' },
  Greater: { fn: (a, b) => +(a > b), dtypes: ORDERED, bool: true, description: 'a > b' },
  LessOrEqual: { fn: (a, b) => +(a <= b), dtypes: ORDERED, bool: true, description: 'a <= b' },
  GreaterOrEqual: { fn: (a, b) => +(a >= b), dtypes: ORDERED, bool: true, description: 'a >= b' },
  And: { fn: (a, b) => +(!!a && !!b), dtypes: ['bool'], bool: true, description: 'logical and' },
  Or: { fn: (a, b) => +(!!a || !!b), dtypes: ['bool'], bool: true, description: 'logical or' },
  Xor: { fn: (a, b) => +(!!a !== !!b), dtypes: ['bool'], bool: true, description: 'logical xor' },
  BitwiseAnd: { fn: (a, b) => Number(BigInt(a) & BigInt(b)), dtypes: INTS, description: 'bitwise and' },
  BitwiseOr: { fn: (a, b) => Number(BigInt(a) | BigInt(b)), dtypes: INTS, description: 'bitwise or' },
  BitwiseXor: { fn: (a, b) => Number(BigInt(a) ^ BigInt(b)), dtypes: INTS, description: 'bitwise xor' },
  BitShift: {
    fn: (a, b, n) => Number(bitShiftAttrs(n).direction === 'LEFT' ? BigInt(a) << BigInt(b) : BigInt(a) >> BigInt(b)),
    dtypes: ['uint8', 'uint16', 'uint32', 'uint64'], description: 'shift left or right by b bits',
    check(ctx) { bitShiftAttrs(ctx.node); },
  },
};

export function isBinaryFunction(id: string): boolean {
  return Object.hasOwn(BINARY_FUNCTIONS, id);
}

/** The function of a Binary node, or an INVALID_ATTRIBUTE error naming it. */
export function binaryFunction(node: Node): BinaryFunction {
  const id = attrString(node, 'fn');
  if (!isBinaryFunction(id)) fail(node, `'${id}' is not a binary elementwise function`, 'INVALID_ATTRIBUTE');
  return BINARY_FUNCTIONS[id]!;
}

const binary: OpDef = {
  name: 'Binary',
  group: 'elementwise',
  description: 'two-input broadcasting elementwise function `fn` (arithmetic, comparison, logic, bitwise)',
  infer(ctx) {
    expectInputCount(ctx, 2);
    const f = binaryFunction(ctx.node);
    const a = input(ctx, 0), b = input(ctx, 1);
    if (a.dtype !== b.dtype && !f.mixedDTypes) fail(ctx.node, `input dtypes differ: ${a.dtype} and ${b.dtype}`, 'DTYPE_MISMATCH');
    if (!f.dtypes.includes(a.dtype)) fail(ctx.node, `dtype ${a.dtype} is not supported`, 'DTYPE_MISMATCH');
    f.check?.(ctx, a.dtype);
    return [{ dtype: f.bool ? 'bool' : a.dtype, shape: broadcastShapes(ctx.node, [a.shape, b.shape]) }];
  },
  evaluate(node, [a, b]) {
    const f = binaryFunction(node);
    return [mapElementwise([a!, b!], f.bool ? 'bool' : a!.dtype, (x, y) => f.fn(x, y, node, a!.dtype))];
  },
};

registerOp(binary);
