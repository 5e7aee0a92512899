// Scalar expressions of the elementwise ops for every wasm scalar type, used by the generic
// (non-SIMD) elementwise kernel: integer dtypes, float64, float16, and float32 ops without a
// vector form. Transcendentals go through the host's Math (see runtime host-imports).
import { Node, bitShiftAttrs, functionParams, geluAttrs, isInfAttrs, modAttrs } from '@onnx2wasm/ir';
import { KernelHost } from '../../lowering.js';
import { Expr, FnBuilder, type NumOp, type NumType } from '../../wasm-builder.js';
import { verf, vexp, vtanh } from './math.js';
import { ScalarType, convert, scalarType } from './scalar-types.js';

/** `t` is the type the op computes in; `types` are the inputs' own types (Pow mixes them). */
export interface ScalarCtx { ctx: KernelHost; fn: FnBuilder; t: ScalarType; node: Node; types: ScalarType[] }
export type ScalarOp = (c: ScalarCtx, xs: (() => Expr)[]) => Expr;

const isF = (t: ScalarType) => t.float;
const k = (c: ScalarCtx, v: number) => c.fn.constOf(c.t.wasm, c.t.wasm === 'i64' ? BigInt(Math.trunc(v)) : v);
const op = (c: ScalarCtx, name: NumOp<NumType>, ...a: Expr[]) => c.fn.num(c.t.wasm, name, ...a);
const su = <B extends 'lt' | 'gt' | 'le' | 'ge' | 'div' | 'rem' | 'shr'>(c: ScalarCtx, base: B) => `${base}_${c.t.signed ? 's' : 'u'}` as const;
/** Ordered comparisons: floats have one form, integers a signed and an unsigned one. */
const cmp = (c: ScalarCtx, base: 'lt' | 'gt' | 'le' | 'ge', a: Expr, b: Expr) => op(c, isF(c.t) ? base : su(c, base), a, b);

/** A host Math function on f64 (promoting/demoting f32). */
function host(c: ScalarCtx, name: string, ...args: Expr[]): Expr {
  const { fn, t } = c;
  const wide = args.map((a) => (t.wasm === 'f32' ? fn.num('f64', 'promote', a) : a));
  const r = fn.callImport('math', name, wide, wide.map(() => 'f64'), 'f64');
  return t.wasm === 'f32' ? fn.num('f32', 'demote', r) : r;
}

/** A vector helper (exp/tanh/erf, f32x4) applied to one value. */
function viaVector(c: ScalarCtx, f: typeof vexp, x: Expr): Expr {
  const { fn, t } = c;
  const narrow = t.wasm === 'f64' ? fn.num('f32', 'demote', x) : x;
  const r = fn.vextract(f(c.ctx, fn, fn.vsplat(narrow)), 0);
  return t.wasm === 'f64' ? fn.num('f64', 'promote', r) : r;
}

function safeDivisor(c: ScalarCtx, b: () => Expr): Expr {
  // Integer division by zero (and INT_MIN / -1) would trap; ONNX leaves them undefined, we give 0.
  return c.fn.select(op(c, 'eqz', b()), k(c, 1), b());
}

export const SCALAR_BINARY: Record<string, ScalarOp> = {
  Add: (c, [a, b]) => op(c, 'add', a!(), b!()),
  Sub: (c, [a, b]) => op(c, 'sub', a!(), b!()),
  Mul: (c, [a, b]) => op(c, 'mul', a!(), b!()),
  Div: (c, [a, b]) => {
    if (isF(c.t)) return op(c, 'div', a!(), b!());
    const q = c.t.signed
      ? c.fn.select(op(c, 'eq', b!(), k(c, -1)), op(c, 'sub', k(c, 0), a!()), op(c, 'div_s', a!(), safeDivisor(c, b!)))
      : op(c, 'div_u', a!(), safeDivisor(c, b!));
    return c.fn.select(op(c, 'eqz', b!()), k(c, 0), q);
  },
  Max: (c, [a, b]) => (isF(c.t) ? op(c, 'max', a!(), b!()) : c.fn.select(cmp(c, 'gt', a!(), b!()), a!(), b!())),
  Min: (c, [a, b]) => (isF(c.t) ? op(c, 'min', a!(), b!()) : c.fn.select(cmp(c, 'lt', a!(), b!()), a!(), b!())),
  Pow: (c, [a, b]) => {
    // Base and exponent may differ in type (float ** int, int ** float): compute in f64, return the base's type.
    const { fn, t } = c;
    const f64 = scalarType('float64')!;
    const r = fn.callImport('math', 'pow', [convert(fn, c.types[0]!, f64, a!()), convert(fn, c.types[1]!, f64, b!())], ['f64', 'f64'], 'f64');
    return convert(fn, f64, t, r);
  },
  Equal: (c, [a, b]) => op(c, 'eq', a!(), b!()),
  Less: (c, [a, b]) => cmp(c, 'lt', a!(), b!()),
  Greater: (c, [a, b]) => cmp(c, 'gt', a!(), b!()),
  LessOrEqual: (c, [a, b]) => cmp(c, 'le', a!(), b!()),
  GreaterOrEqual: (c, [a, b]) => cmp(c, 'ge', a!(), b!()),
  And: (c, [a, b]) => c.fn.and(a!(), b!()),
  Or: (c, [a, b]) => c.fn.or(a!(), b!()),
  Xor: (c, [a, b]) => c.fn.num('i32', 'xor', a!(), b!()),
  BitwiseAnd: (c, [a, b]) => op(c, 'and', a!(), b!()),
  BitwiseOr: (c, [a, b]) => op(c, 'or', a!(), b!()),
  BitwiseXor: (c, [a, b]) => op(c, 'xor', a!(), b!()),
  BitShift: (c, [a, b]) => {
    const left = bitShiftAttrs(c.node).direction === 'LEFT';
    // Shifting by the type's width or more gives 0 (wasm would take the count modulo the width).
    const width = c.t.bytes * 8;
    const shifted = op(c, left ? 'shl' : 'shr_u', a!(), b!());
    return c.fn.select(cmp(c, 'ge', b!(), k(c, width)), k(c, 0), shifted);
  },
  Mod: (c, [a, b]) => {
    const { fmod } = modAttrs(c.node);
    if (isF(c.t)) return host(c, 'fmod', a!(), b!());
    const r = () => op(c, c.t.signed ? 'rem_s' : 'rem_u', a!(), safeDivisor(c, b!));
    if (fmod || !c.t.signed) return c.fn.select(op(c, 'eqz', b!()), k(c, 0), r());
    // Python-style: the result takes the divisor's sign
    const fix = c.fn.and(op(c, 'ne', r(), k(c, 0)), op(c, 'lt_s', op(c, 'xor', r(), b!()), k(c, 0)));
    return c.fn.select(op(c, 'eqz', b!()), k(c, 0), c.fn.select(fix, op(c, 'add', r(), b!()), r()));
  },
};

export const SCALAR_UNARY: Record<string, ScalarOp> = {
  Identity: (_c, [x]) => x!(),
  Neg: (c, [x]) => (isF(c.t) ? op(c, 'neg', x!()) : op(c, 'sub', k(c, 0), x!())),
  Abs: (c, [x]) => (isF(c.t) ? op(c, 'abs', x!()) : c.t.signed ? c.fn.select(op(c, 'lt_s', x!(), k(c, 0)), op(c, 'sub', k(c, 0), x!()), x!()) : x!()),
  Relu: (c, [x]) => (isF(c.t) ? c.fn.select(cmp(c, 'lt', x!(), k(c, 0)), k(c, 0), x!()) : c.t.signed ? c.fn.select(op(c, 'lt_s', x!(), k(c, 0)), k(c, 0), x!()) : x!()),
  // Floats: ±0 + 0 is +0 (onnxruntime's Sign(-0)) and NaN stays NaN.
  Sign: (c, [x]) => c.fn.select(cmp(c, 'gt', x!(), k(c, 0)), k(c, 1), c.t.signed || isF(c.t) ? c.fn.select(cmp(c, 'lt', x!(), k(c, 0)), k(c, -1), isF(c.t) ? op(c, 'add', x!(), k(c, 0)) : x!()) : x!()),
  Not: (c, [x]) => c.fn.eqz(x!()),
  BitwiseNot: (c, [x]) => op(c, 'xor', x!(), k(c, -1)),
  Floor: (c, [x]) => op(c, 'floor', x!()),
  Ceil: (c, [x]) => op(c, 'ceil', x!()),
  Round: (c, [x]) => op(c, 'nearest', x!()),
  Sqrt: (c, [x]) => op(c, 'sqrt', x!()),
  Reciprocal: (c, [x]) => op(c, 'div', k(c, 1), x!()),
  Exp: (c, [x]) => (c.t.wasm === 'f64' ? host(c, 'exp', x!()) : viaVector(c, vexp, x!())),
  Log: (c, [x]) => host(c, 'log', x!()),
  Tanh: (c, [x]) => (c.t.wasm === 'f64' ? host(c, 'tanh', x!()) : viaVector(c, vtanh, x!())),
  Erf: (c, [x]) => viaVector(c, verf, x!()),
  Sigmoid: (c, [x]) => op(c, 'div', k(c, 1), op(c, 'add', k(c, 1), host(c, 'exp', op(c, 'neg', x!())))),
  Sin: (c, [x]) => host(c, 'sin', x!()),
  Cos: (c, [x]) => host(c, 'cos', x!()),
  Tan: (c, [x]) => host(c, 'tan', x!()),
  Asin: (c, [x]) => host(c, 'asin', x!()),
  Acos: (c, [x]) => host(c, 'acos', x!()),
  Atan: (c, [x]) => host(c, 'atan', x!()),
  Sinh: (c, [x]) => host(c, 'sinh', x!()),
  Cosh: (c, [x]) => host(c, 'cosh', x!()),
  Asinh: (c, [x]) => host(c, 'asinh', x!()),
  Acosh: (c, [x]) => host(c, 'acosh', x!()),
  Atanh: (c, [x]) => host(c, 'atanh', x!()),
  Softplus: (c, [x]) => c.fn.select(cmp(c, 'gt', x!(), k(c, 20)), x!(), host(c, 'log1p', host(c, 'exp', x!()))),
  Softsign: (c, [x]) => op(c, 'div', x!(), op(c, 'add', k(c, 1), op(c, 'abs', x!()))),
  Elu: (c, [x]) => c.fn.select(cmp(c, 'ge', x!(), k(c, 0)), x!(), op(c, 'mul', k(c, functionParams(c.node, 'Elu')[0]!), host(c, 'expm1', x!()))),
  Selu: (c, [x]) => {
    const [alpha, gamma] = functionParams(c.node, 'Selu') as [number, number];
    return op(c, 'mul', k(c, gamma), c.fn.select(cmp(c, 'gt', x!(), k(c, 0)), x!(), op(c, 'mul', k(c, alpha), host(c, 'expm1', x!()))));
  },
  Celu: (c, [x]) => {
    const a = functionParams(c.node, 'Celu')[0]!;
    return op(c, 'add', op(c, 'max', k(c, 0), x!()), op(c, 'min', k(c, 0), op(c, 'mul', k(c, a), host(c, 'expm1', op(c, 'div', x!(), k(c, a))))));
  },
  ThresholdedRelu: (c, [x]) => c.fn.select(cmp(c, 'gt', x!(), k(c, functionParams(c.node, 'ThresholdedRelu')[0]!)), x!(), k(c, 0)),
  LeakyRelu: (c, [x]) => c.fn.select(cmp(c, 'ge', x!(), k(c, 0)), x!(), op(c, 'mul', x!(), k(c, functionParams(c.node, 'LeakyRelu')[0]!))),
  HardSigmoid: (c, [x]) => {
    const [alpha, beta] = functionParams(c.node, 'HardSigmoid') as [number, number];
    return op(c, 'max', k(c, 0), op(c, 'min', k(c, 1), op(c, 'add', op(c, 'mul', x!(), k(c, alpha)), k(c, beta))));
  },
  HardSwish: (c, [x]) => op(c, 'mul', x!(), op(c, 'max', k(c, 0), op(c, 'min', k(c, 1), op(c, 'add', op(c, 'mul', x!(), k(c, 1 / 6)), k(c, 0.5))))),
  Mish: (c, [x]) => op(c, 'mul', x!(), host(c, 'tanh', c.fn.select(cmp(c, 'gt', x!(), k(c, 20)), x!(), host(c, 'log1p', host(c, 'exp', x!()))))),
  Shrink: (c, [x]) => {
    const [l, b] = functionParams(c.node, 'Shrink') as [number, number];
    return c.fn.select(cmp(c, 'lt', x!(), k(c, -l)), op(c, 'add', x!(), k(c, b)), c.fn.select(cmp(c, 'gt', x!(), k(c, l)), op(c, 'sub', x!(), k(c, b)), k(c, 0)));
  },
  Gelu: (c, [x]) => {
    if (geluAttrs(c.node).approximate === 'tanh') {
      const inner = op(c, 'mul', k(c, Math.sqrt(2 / Math.PI)), op(c, 'add', x!(), op(c, 'mul', k(c, 0.044715), op(c, 'mul', x!(), op(c, 'mul', x!(), x!())))));
      return op(c, 'mul', op(c, 'mul', k(c, 0.5), x!()), op(c, 'add', k(c, 1), SCALAR_UNARY.Tanh!(c, [() => inner])));
    }
    return op(c, 'mul', op(c, 'mul', k(c, 0.5), x!()), op(c, 'add', k(c, 1), viaVector(c, verf, op(c, 'mul', x!(), k(c, Math.SQRT1_2)))));
  },
  IsNaN: (c, [x]) => op(c, 'ne', x!(), x!()),
  IsInf: (c, [x]) => {
    const { detectPositive: pos, detectNegative: neg } = isInfAttrs(c.node);
    const isPos = op(c, 'eq', x!(), k(c, Infinity)), isNeg = op(c, 'eq', x!(), k(c, -Infinity));
    return pos && neg ? c.fn.or(isPos, isNeg) : pos ? isPos : neg ? isNeg : c.fn.i(0);
  },
};
