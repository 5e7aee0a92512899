// What each reduction kind computes, as wasm expressions: the accumulator's start value, a map
// applied to every element (|x|, x², exp(x - shift)), the combining step and a final map (sqrt,
// log). Scalar forms work on any ScalarType; vector forms on f32x4 lanes. The generic loop nests
// that use these are in reduce.ts.
import { intRange } from '@onnx2wasm/ir';
import { KernelHost } from '../../lowering.js';
import { Expr, FnBuilder, type NumOp, type NumType } from '../../wasm-builder.js';
import { vexp } from './math.js';
import { ScalarType } from './scalar-types.js';

export interface KindCtx { ctx: KernelHost; fn: FnBuilder; t: ScalarType }
type Thunk = () => Expr;

export interface ReduceCode {
  identity(t: ScalarType): number | bigint;
  /** Maps one element before combining; `shift` is the max pre-pass result of shifted kinds. */
  pre?(c: KindCtx, x: Thunk, shift?: Thunk): Expr;
  combine(c: KindCtx, acc: Thunk, x: Thunk): Expr;
  /** Finishes one output value. */
  post?(c: KindCtx, acc: Thunk, shift?: Thunk): Expr;
  /** Runs a max pass first and hands its result to pre/post as `shift` (log-sum-exp). */
  shifted?: boolean;
  vpre?(c: KindCtx, x: Thunk, shift?: Thunk): Expr;
  vcombine(fn: FnBuilder, acc: Expr, x: Expr): Expr;
}

const op = (c: KindCtx, name: NumOp<NumType>, ...a: Expr[]) => c.fn.num(c.t.wasm, name, ...a);
const cmp = (c: KindCtx, base: 'lt' | 'gt' | 'le' | 'ge', a: Expr, b: Expr) => op(c, c.t.float ? base : `${base}_${c.t.signed ? 's' : 'u'}`, a, b);

/** A host Math function on f64, promoting/demoting f32. */
function host(c: KindCtx, name: string, x: Expr): Expr {
  const { fn, t } = c;
  const r = fn.callImport('math', name, [t.wasm === 'f32' ? fn.num('f64', 'promote', x) : x], ['f64'], 'f64');
  return t.wasm === 'f32' ? fn.num('f32', 'demote', r) : r;
}

const add: Pick<ReduceCode, 'identity' | 'combine' | 'vcombine'> = {
  identity: () => 0,
  combine: (c, a, x) => op(c, 'add', a(), x()),
  vcombine: (fn, a, x) => fn.vadd(a, x),
};
const square = (c: KindCtx, x: Thunk) => op(c, 'mul', x(), x());

function extreme(max: boolean): ReduceCode {
  return {
    identity: (t) => (t.float ? (max ? -Infinity : Infinity) : intRange(t.dtype)[max ? 0 : 1]),
    // Float max/min propagate NaN like numpy; integers compare with the dtype's signedness.
    combine: (c, a, x) => (c.t.float ? op(c, max ? 'max' : 'min', a(), x()) : c.fn.select(cmp(c, max ? 'gt' : 'lt', x(), a()), x(), a())),
    vcombine: (fn, a, x) => (max ? fn.vmax(a, x) : fn.vmin(a, x)),
  };
}

export const REDUCE_CODE: Record<string, ReduceCode> = {
  ReduceSum: add,
  ReduceProd: { identity: () => 1, combine: (c, a, x) => op(c, 'mul', a(), x()), vcombine: (fn, a, x) => fn.vmul(a, x) },
  ReduceMax: extreme(true),
  ReduceMin: extreme(false),
  ReduceSumSquare: { ...add, pre: square, vpre: (c, x) => c.fn.vmul(x(), x()) },
  ReduceL1: {
    ...add,
    pre: (c, x) => (c.t.float ? op(c, 'abs', x()) : !c.t.signed ? x() : c.fn.select(cmp(c, 'lt', x(), c.fn.constOf(c.t.wasm, 0)), op(c, 'sub', c.fn.constOf(c.t.wasm, 0), x()), x())),
    vpre: (c, x) => c.fn.vabs(x()),
  },
  ReduceL2: { ...add, pre: square, vpre: (c, x) => c.fn.vmul(x(), x()), post: (c, a) => op(c, 'sqrt', a()) },
  ReduceLogSum: { ...add, post: (c, a) => host(c, 'log', a()) },
  ReduceLogSumExp: {
    ...add,
    shifted: true,
    pre: (c, x, m) => host(c, 'exp', op(c, 'sub', x(), m!())),
    vpre: (c, x, m) => vexp(c.ctx, c.fn, c.fn.vsub(x(), m!())),
    // m + log(sum); an infinite or NaN max is itself the answer (m - m is 0 only when m is finite).
    post: (c, a, m) => c.fn.select(op(c, 'eq', op(c, 'sub', m!(), m!()), c.fn.constOf(c.t.wasm, 0)), op(c, 'add', m!(), host(c, 'log', a())), m!()),
  },
};
