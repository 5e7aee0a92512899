// Elementwise kernels with numpy broadcasting. float32 runs four lanes at a time with a scalar tail;
// other dtypes use a scalar loop (same loop nest, typed loads and stores). With run-time dims the
// same loops take run-time extents, strides and tails.
import { Dim, Node, Tensor, functionParams, opLabel } from '@onnx2wasm/ir';
import { KernelHost, Operand, registerLowering } from '../../lowering.js';
import { Expr, FnBuilder, I32 } from '../../wasm-builder.js';
import { broadcastNest } from '../emit/broadcast-loops.js';
import { at, vectorEnd } from '../emit/dynamic-util.js';
import { verf, vexp, vsigmoid, vtanh } from '../emit/math.js';
import { vclamp, vrelu } from '../emit/activation.js';
import { lowerGenericElementwise } from './elementwise-generic.js';

/** Operands are thunks: an op may read an operand more than once (each call is a fresh local.get). */
export type VecOp = (ctx: KernelHost, fn: FnBuilder, xs: (() => Expr)[], node: Node) => Expr;

/** f32x4 expressions per elementwise function; scalars reuse them on a splat and take lane 0. */
export const F32_BINARY: Record<string, VecOp> = {
  Add: (_c, fn, [a, b]) => fn.vadd(a(), b()),
  Sub: (_c, fn, [a, b]) => fn.vsub(a(), b()),
  Mul: (_c, fn, [a, b]) => fn.vmul(a(), b()),
  Div: (_c, fn, [a, b]) => fn.vdiv(a(), b()),
  Max: (_c, fn, [a, b]) => fn.vmax(a(), b()),
  Min: (_c, fn, [a, b]) => fn.vmin(a(), b()),
};

/** x ** p for the constant exponents exported models use (variance, sqrt, GELU-tanh's cube). */
export const F32_POW: Record<number, VecOp> = {
  1: (_c, _fn, [x]) => x(),
  2: (_c, fn, [x]) => fn.vmul(x(), x()),
  3: (_c, fn, [x]) => fn.vmul(fn.vmul(x(), x()), x()),
  0.5: (_c, fn, [x]) => fn.vsqrt(x()),
  [-1]: (_c, fn, [x]) => fn.vdiv(fn.vconst(1), x()),
};

export const F32_UNARY: Record<string, VecOp> = {
  Relu: (_c, fn, [x]) => vrelu(fn, x()),
  Neg: (_c, fn, [x]) => fn.vneg(x()),
  Abs: (_c, fn, [x]) => fn.vabs(x()),
  Sqrt: (_c, fn, [x]) => fn.vsqrt(x()),
  Floor: (_c, fn, [x]) => fn.vfloor(x()),
  Ceil: (_c, fn, [x]) => fn.vceil(x()),
  Reciprocal: (_c, fn, [x]) => fn.vdiv(fn.vconst(1), x()),
  Identity: (_c, _fn, [x]) => x(),
  Exp: (c, fn, [x]) => vexp(c, fn, x()),
  Sigmoid: (c, fn, [x]) => vsigmoid(c, fn, x()),
  Tanh: (c, fn, [x]) => vtanh(c, fn, x()),
  Erf: (c, fn, [x]) => verf(c, fn, x()),
  // x < 0 ? alpha * x : x (a NaN x fails the compare and passes through)
  LeakyRelu: (_c, fn, [x], n) => fn.vbitselect(fn.vmul(x(), fn.vconst(functionParams(n, 'LeakyRelu')[0]!)), x(), fn.vlt(x(), fn.vzero())),
  HardSigmoid: (_c, fn, [x], n) => {
    const [alpha, beta] = functionParams(n, 'HardSigmoid') as [number, number];
    return vclamp(fn, fn.vadd(fn.vmul(x(), fn.vconst(alpha)), fn.vconst(beta)), 0, 1);
  },
};

/** The f32x4 elementwise loop over a broadcast output; dims may be run-time (`dimOf`). */
export function emitF32(ctx: KernelHost, op: VecOp, ins: Operand[], out: Operand, dimOf: (d: Dim) => I32): Expr[] {
  const { fn } = ctx;
  const tmp = ins.map(() => fn.local('v128'));
  const res = fn.local('v128');
  return broadcastNest(fn, out.shape, ins.map((o) => o.shape), dimOf, (offsets, run) => {
    const j = fn.local('i32');
    const elem = (k: number) => fn.shl(fn.add(offsets[k]!(), j.get()), 2);
    // Broadcast (scalar) inputs are splatted once per run.
    const hoisted = ins.map((o, k) => (run.scalar[k] ? tmp[k]!.set(fn.vloadSplat(...at(fn, o.addr(), fn.shl(offsets[k]!(), 2)))) : fn.nop()));
    // Non-broadcast operands are loaded into their local once per element (or vector).
    const load = (k: number, vector: boolean): Expr[] => {
      if (run.scalar[k]) return [];
      const a = at(fn, ins[k]!.addr(), elem(k));
      return [tmp[k]!.set(vector ? fn.vload(...a) : fn.vloadSplat(...a))];
    };
    const compute = (vector: boolean): Expr[] => [
      ...ins.flatMap((_, k) => load(k, vector)),
      res.set(op(ctx, fn, tmp.map((t) => () => t.get()), ctx.node)),
    ];
    const vec = vectorEnd(fn, run.length);
    const [va, vo] = at(fn, out.addr(), elem(ins.length)), [sa, so] = at(fn, out.addr(), elem(ins.length));
    const storeVec = fn.vstore(va, res.get(), vo);
    const storeOne = fn.storeF32(sa, fn.vextract(res.get(), 0), so);
    return [
      ...hoisted,
      ...vec.init,
      fn.for(j, 0, vec.end(), 4, [...compute(true), storeVec]),
      fn.for(j, vec.end(), run.length(), 1, [...compute(false), storeOne]),
    ];
  });
}

/** The f32x4 form of a node and the inputs it reads, or undefined when the scalar kernel runs it. */
function vectorForm(node: Node, inputs: ({ constant?: Tensor } | undefined)[]): { op: VecOp; args: number[] } | undefined {
  const scalar = (i: number) => Number(inputs[i]!.constant!.data[0]);
  const f = opLabel(node);
  if (f === 'Clip') {
    // Run-time bounds take the scalar kernel.
    if ([1, 2].some((i) => inputs[i] && !inputs[i]!.constant)) return undefined;
    const lo = inputs[1] ? scalar(1) : -Infinity;
    const hi = inputs[2] ? scalar(2) : Infinity;
    return { op: (_c, fn, [x]) => vclamp(fn, x!(), lo, hi), args: [0] };
  }
  if (f === 'Pow') {
    // Exponents used by exported models (x^2 in variance, x^0.5, x^3 in GELU-tanh) are constants.
    const e = inputs[1]?.constant;
    const f: VecOp | undefined = e && e.data.length === 1 ? F32_POW[Number(e.data[0])] : undefined;
    return f ? { op: f, args: [0] } : undefined;
  }
  const op = (F32_BINARY[f] ?? F32_UNARY[f]) as VecOp | undefined;
  return op ? { op, args: inputs.flatMap((x, i) => (x ? [i] : [])) } : undefined;
}

/** Every elementwise node: the f32x4 loop where float32 has a vector form, else the scalar kernel. */
registerLowering({
  ops: ['Unary', 'Binary', 'Identity', 'Clip', 'Where'],
  runTimeDims: true,
  lower(ctx) {
    const form = ctx.outputs[0]!.dtype === 'float32' ? vectorForm(ctx.node, ctx.inputs) : undefined;
    if (!form) return lowerGenericElementwise(ctx);
    return emitF32(ctx, form.op, form.args.map((i) => ctx.inputs[i]!), ctx.outputs[0]!, ctx.dim);
  },
});
