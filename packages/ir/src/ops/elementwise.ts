// Elementwise ops with numpy broadcasting. One table drives inference and evaluation; the
// codegen has the matching table of wasm expressions.
import { DType } from '../dtype.js';
import { Node } from '../graph.js';
import { OpDef, attrFloat, broadcastShapes, expectInputCount, fail, input, registerOp } from '../op-registry.js';
import { mapElementwise } from '../reference.js';
import { ELEMENTWISE_FUNCTIONS, ElementwiseFunction, functionParams } from '../elementwise-functions.js';

const NUMERIC: DType[] = ['float32', 'float64', 'float16', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'];
const FLOATS: DType[] = ['float32', 'float64', 'float16'];

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

interface BinarySpec { fn: (a: number, b: number, node: Node) => number; dtypes: DType[]; description: string; out?: 'bool' }
interface UnarySpec { fn: (x: number, node: Node) => number; dtypes: DType[]; description: string }

/** C's pow: 1 ** y and (-1) ** ±Inf are 1 even for NaN y, where Math.pow gives NaN (onnxruntime uses powf). */
const cPow = (a: number, b: number) => (a === 1 || (a === -1 && Math.abs(b) === Infinity) ? 1 : Math.pow(a, b));
/** The unary op of a function of the shared table (elementwise-functions.ts), its parameters read from the node. */
function tabled(f: ElementwiseFunction): UnarySpec {
  return { fn: (x, n) => f.reference(x, functionParams(n, f.id)), dtypes: f.integer ? NUMERIC : FLOATS, description: f.description };
}

const intDiv = (a: number, b: number) => (b === 0 ? 0 : Math.trunc(a / b));

export const BINARY: Record<string, BinarySpec> = {
  Add: { fn: (a, b) => a + b, dtypes: NUMERIC, description: 'a + b with broadcasting' },
  Sub: { fn: (a, b) => a - b, dtypes: NUMERIC, description: 'a - b with broadcasting' },
  Mul: { fn: (a, b) => a * b, dtypes: NUMERIC, description: 'a * b with broadcasting' },
  Div: { fn: (a, b) => a / b, dtypes: NUMERIC, description: 'a / b with broadcasting (integers truncate)' },
  Pow: { fn: (a, b) => cPow(a, b), dtypes: NUMERIC, description: 'a ** b with broadcasting' },
  Max: { fn: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)), dtypes: NUMERIC, description: 'elementwise maximum' },
  Min: { fn: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)), dtypes: NUMERIC, description: 'elementwise minimum' },
};

/** Unary ops: the math functions below, then every activation of the shared table. */
export const UNARY: Record<string, UnarySpec> = {
  Exp: { fn: (x) => Math.exp(x), dtypes: FLOATS, description: 'e ** x' },
  Log: { fn: (x) => Math.log(x), dtypes: FLOATS, description: 'natural logarithm' },
  Sqrt: { fn: (x) => Math.sqrt(x), dtypes: FLOATS, description: 'square root' },
  Erf: { fn: (x) => erf(x), dtypes: FLOATS, description: 'Gauss error function' },
  Neg: { fn: (x) => -x, dtypes: NUMERIC, description: '-x' },
  Abs: { fn: (x) => Math.abs(x), dtypes: NUMERIC, description: '|x|' },
  Reciprocal: { fn: (x) => 1 / x, dtypes: FLOATS, description: '1 / x' },
  Floor: { fn: (x) => Math.floor(x), dtypes: FLOATS, description: 'round down' },
  Ceil: { fn: (x) => Math.ceil(x), dtypes: FLOATS, description: 'round up' },
  Identity: { fn: (x) => x, dtypes: [...NUMERIC, 'bool'], description: 'copy' },
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
  Gelu: { fn: (x, n) => (n.attrs.approximate === 'tanh' ? 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))) : 0.5 * x * (1 + erf(x / Math.SQRT2))), dtypes: FLOATS, description: 'Gaussian error linear unit (approximate: none | tanh)' },
  ...Object.fromEntries(ELEMENTWISE_FUNCTIONS.filter((f) => f.irOp).map((f) => [f.id, tabled(f)])),
};

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function isIntegral(d: DType) { return !FLOATS.includes(d); }

function binaryDef(name: string, spec: BinarySpec): OpDef {
  return {
    name,
    group: 'elementwise',
    description: spec.description,
    infer(ctx) {
      expectInputCount(ctx, 2);
      const a = input(ctx, 0), b = input(ctx, 1);
      if (a.dtype !== b.dtype && !(name === 'Pow')) fail(ctx.node, `input dtypes differ: ${a.dtype} and ${b.dtype}`, 'DTYPE_MISMATCH');
      if (!spec.dtypes.includes(a.dtype)) fail(ctx.node, `dtype ${a.dtype} is not supported`, 'DTYPE_MISMATCH');
      return [{ dtype: spec.out ?? a.dtype, shape: broadcastShapes(ctx.node, [a.shape, b.shape]) }];
    },
    evaluate(node, [a, b]) {
      const integral = isIntegral(a!.dtype);
      const f = name === 'Div' && integral ? intDiv : (x: number, y: number) => spec.fn(x, y, node);
      return [mapElementwise([a!, b!], spec.out ?? a!.dtype, f)];
    },
  };
}

function unaryDef(name: string, spec: UnarySpec): OpDef {
  return {
    name,
    group: 'elementwise',
    description: spec.description,
    infer(ctx) {
      expectInputCount(ctx, 1);
      const x = input(ctx, 0);
      if (!spec.dtypes.includes(x.dtype)) fail(ctx.node, `dtype ${x.dtype} is not supported`, 'DTYPE_MISMATCH');
      return [{ dtype: x.dtype, shape: [...x.shape] }];
    },
    evaluate(node, [x]) {
      return [mapElementwise([x!], x!.dtype, (v) => spec.fn(v, node))];
    },
  };
}

/** Clip(x, min?, max?) in the opset-11+ input form; the importer converts the attribute form. */
const clip: OpDef = {
  name: 'Clip',
  group: 'elementwise',
  description: 'clamp(x, min, max); min/max are optional scalar inputs',
  infer(ctx) {
    expectInputCount(ctx, 3);
    const x = input(ctx, 0);
    for (const i of [1, 2]) {
      const t = ctx.inputs[i];
      if (t && t.shape.length !== 0 && !(t.shape.length === 1 && t.shape[0] === 1)) fail(ctx.node, `input ${i} must be a scalar`);
      if (t && t.dtype !== x.dtype) fail(ctx.node, `input ${i} (${i === 1 ? 'min' : 'max'}) has dtype ${t.dtype}; it must be x's dtype ${x.dtype}`, 'DTYPE_MISMATCH');
    }
    return [{ dtype: x.dtype, shape: [...x.shape] }];
  },
  evaluate(_node, [x, lo, hi]) {
    const l = lo ? Number(lo.data[0]) : -Infinity;
    const h = hi ? Number(hi.data[0]) : Infinity;
    return [mapElementwise([x!], x!.dtype, (v) => (Number.isNaN(v) ? v : Math.min(Math.max(v, l), h)))];
  },
};

for (const [name, spec] of Object.entries(BINARY)) registerOp(binaryDef(name, spec));
for (const [name, spec] of Object.entries(UNARY)) registerOp(unaryDef(name, spec));
registerOp(clip);
