// Unary: one IR op for every one-input elementwise function (math, activations, predicates), the
// function named by attribute `fn`. The table below is each function's definition: the dtypes it
// takes, its result dtype and its reference; the activations come from the shared table of
// elementwise functions (elementwise-functions.ts), which also holds their parameters.
import { DType } from '../dtype.js';
import { Node } from '../graph.js';
import { OpDef, attrInt, attrString, expectInputCount, fail, input, registerOp } from '../op-registry.js';
import { mapElementwise } from '../reference.js';
import { ELEMENTWISE_FUNCTIONS, ElementwiseFunction, functionParams } from './elementwise-functions.js';

const INTS: DType[] = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'];
const FLOATS: DType[] = ['float32', 'float64', 'float16'];
const NUMERIC: DType[] = [...FLOATS, ...INTS];

function erf(x: number): number {
  // Abramowitz–Stegun 7.1.26 is not accurate enough for a reference; use a series/continued fraction.
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let sum = x, term = x;
    for (let n = 1; n < 100; n++) {
      term *= (-x * x) / n;
      const t = term / (2 * n + 1);
      sum += t;
      if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc continued fraction for large |x|
  let f = 0;
  for (let n = 60; n >= 1; n--) f = (n / 2) / (ax + f);
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
  return Math.sign(x) * (1 - erfc);
}
export { erf as referenceErf };

export interface UnaryFunction {
  fn: (x: number, node: Node, dtype: DType) => number;
  dtypes: DType[];
  description: string;
  /** The result is bool (a predicate); else the input's dtype. */
  bool?: boolean;
}

/** Gelu's parameter: the exact erf form or the tanh approximation. */
export interface GeluAttrs { approximate: 'none' | 'tanh' }
export function geluAttrs(node: Node): GeluAttrs {
  const a = attrString(node, 'approximate');
  if (a !== 'none' && a !== 'tanh') fail(node, `approximate must be 'none' or 'tanh', got '${a}'`, 'INVALID_ATTRIBUTE');
  return { approximate: a };
}

/** IsInf's parameters: which infinities count. */
export interface IsInfAttrs { detectPositive: boolean; detectNegative: boolean }
export function isInfAttrs(node: Node): IsInfAttrs {
  return { detectPositive: attrInt(node, 'detect_positive') !== 0, detectNegative: attrInt(node, 'detect_negative') !== 0 };
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** An activation of the shared table, its parameters read from the node. */
function tabled(f: ElementwiseFunction): UnaryFunction {
  return { fn: (x, n) => f.reference(x, functionParams(n, f.id)), dtypes: f.integer ? NUMERIC : FLOATS, description: f.description };
}

export const UNARY_FUNCTIONS: Readonly<Record<string, UnaryFunction>> = {
  Exp: { fn: (x) => Math.exp(x), dtypes: FLOATS, description: 'e ** x' },
  Log: { fn: (x) => Math.log(x), dtypes: FLOATS, description: 'natural logarithm' },
  Sqrt: { fn: (x) => Math.sqrt(x), dtypes: FLOATS, description: 'square root' },
  Erf: { fn: (x) => erf(x), dtypes: FLOATS, description: 'Gauss error function' },
  Neg: { fn: (x) => -x, dtypes: NUMERIC, description: '-x' },
  Abs: { fn: (x) => Math.abs(x), dtypes: NUMERIC, description: '|x|' },
  Reciprocal: { fn: (x) => 1 / x, dtypes: FLOATS, description: '1 / x' },
  Floor: { fn: (x) => Math.floor(x), dtypes: FLOATS, description: 'round down' },
  Ceil: { fn: (x) => Math.ceil(x), dtypes: FLOATS, description: 'round up' },
  // Sign(-0) is +0 (onnxruntime); NaN stays NaN.
  Sign: { fn: (x) => (x > 0 ? 1 : x < 0 ? -1 : Number.isNaN(x) ? x : 0), dtypes: NUMERIC, description: 'sign of x (-1, 0, 1)' },
  Round: { fn: (x) => roundHalfEven(x), dtypes: FLOATS, description: 'round to nearest, ties to even' },
  Sin: { fn: Math.sin, dtypes: FLOATS, description: 'sine' },
  Cos: { fn: Math.cos, dtypes: FLOATS, description: 'cosine' },
  Tan: { fn: Math.tan, dtypes: FLOATS, description: 'tangent' },
  Asin: { fn: Math.asin, dtypes: FLOATS, description: 'arcsine' },
  Acos: { fn: Math.acos, dtypes: FLOATS, description: 'arccosine' },
  Atan: { fn: Math.atan, dtypes: FLOATS, description: 'arctangent' },
  Sinh: { fn: Math.sinh, dtypes: FLOATS, description: 'hyperbolic sine' },
  Cosh: { fn: Math.cosh, dtypes: FLOATS, description: 'hyperbolic cosine' },
  Asinh: { fn: Math.asinh, dtypes: FLOATS, description: 'inverse hyperbolic sine' },
  Acosh: { fn: Math.acosh, dtypes: FLOATS, description: 'inverse hyperbolic cosine' },
  Atanh: { fn: Math.atanh, dtypes: FLOATS, description: 'inverse hyperbolic tangent' },
  Gelu: { fn: (x, n) => (geluAttrs(n).approximate === 'tanh' ? 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))) : 0.5 * x * (1 + erf(x / Math.SQRT2))), dtypes: FLOATS, description: 'Gaussian error linear unit (approximate: none | tanh)' },
  Not: { fn: (x) => +!x, dtypes: ['bool'], bool: true, description: 'logical not' },
  BitwiseNot: { fn: (x, _n, d) => (d.startsWith('u') ? Number(BigInt.asUintN(64, ~BigInt(x))) : Number(~BigInt(x))), dtypes: INTS, description: 'bitwise not' },
  IsNaN: { fn: (x) => +Number.isNaN(x), dtypes: FLOATS, bool: true, description: 'x is NaN' },
  IsInf: {
    fn: (x, n) => { const d = isInfAttrs(n); return +((x === Infinity && d.detectPositive) || (x === -Infinity && d.detectNegative)); },
    dtypes: FLOATS, bool: true, description: 'x is +/-Inf (detect_positive / detect_negative)',
  },
  ...Object.fromEntries(ELEMENTWISE_FUNCTIONS.filter((f) => f.irOp).map((f) => [f.id, tabled(f)])),
};

export function isUnaryFunction(id: string): boolean {
  return Object.hasOwn(UNARY_FUNCTIONS, id);
}

/** The function of a Unary node, or an INVALID_ATTRIBUTE error naming it. */
export function unaryFunction(node: Node): UnaryFunction {
  const id = attrString(node, 'fn');
  if (!isUnaryFunction(id)) fail(node, `'${id}' is not a unary elementwise function`, 'INVALID_ATTRIBUTE');
  return UNARY_FUNCTIONS[id]!;
}

const unary: OpDef = {
  name: 'Unary',
  group: 'elementwise',
  description: 'one-input elementwise function `fn` (math, activation or predicate)',
  infer(ctx) {
    expectInputCount(ctx, 1);
    const f = unaryFunction(ctx.node);
    const x = input(ctx, 0);
    if (!f.dtypes.includes(x.dtype)) fail(ctx.node, `dtype ${x.dtype} is not supported`, 'DTYPE_MISMATCH');
    return [{ dtype: f.bool ? 'bool' : x.dtype, shape: [...x.shape] }];
  },
  evaluate(node, [x]) {
    const f = unaryFunction(node);
    return [mapElementwise([x!], f.bool ? 'bool' : x!.dtype, (v) => f.fn(v, node, x!.dtype))];
  },
};

registerOp(unary);
