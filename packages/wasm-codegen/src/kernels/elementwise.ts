// Elementwise kernels with numpy broadcasting. float32 runs four lanes at a time with a scalar tail;
// other dtypes use a scalar loop (same loop nest, typed loads and stores).
import { Node, attrFloat } from '@onnx2wasm/ir';
import { LowerContext, Operand, constantInput, registerLowering, unsupported } from '../lowering.js';
import { Expr, FnBuilder } from '../wasm-builder.js';
import { broadcastLoops } from './broadcast-loops.js';
import { verf, vexp, vsigmoid, vtanh } from './math.js';
import { vclamp, vrelu } from './activation.js';
import { lowerGenericElementwise } from './elementwise-generic.js';

/** Operands are thunks: an op may read an operand more than once (each call is a fresh local.get). */
export type VecOp = (ctx: LowerContext, fn: FnBuilder, xs: (() => Expr)[], node: Node) => Expr;

/** f32x4 expressions per IR op; scalars reuse them on a splat and take lane 0. */
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
  LeakyRelu: (_c, fn, [x], n) => fn.vbitselect(fn.vmul(x(), fn.vconst(attrFloat(n, 'alpha', 0.01))), x(), fn.vlt(x(), fn.vzero())),
  HardSigmoid: (_c, fn, [x], n) =>
    vclamp(fn, fn.vadd(fn.vmul(x(), fn.vconst(attrFloat(n, 'alpha', 0.2))), fn.vconst(attrFloat(n, 'beta', 0.5))), 0, 1),
};

export function lowerF32(ctx: LowerContext, op: VecOp, ins: Operand[], extra?: (fn: FnBuilder) => Expr[]): Expr[] {
  const { fn } = ctx;
  const out = ctx.outputs[0]!;
  const pre = extra ? extra(fn) : [];
  const tmp = ins.map(() => fn.local('v128'));
  const res = fn.local('v128');
  return [...pre, ...broadcastLoops(fn, out.dims, ins, (offsets, run) => {
    const outOff = offsets[ins.length]!;
    const j = fn.local('i32');
    const elem = (k: number, lane: () => Expr) => fn.add(fn.shl(fn.add(offsets[k]!(), lane()), 2), 0);
    // Broadcast (scalar) inputs are splatted once per run.
    const hoisted = ins.map((o, k) => (run.scalar[k] ? tmp[k]!.set(fn.vloadSplat(fn.shl(offsets[k]!(), 2), o.addr)) : fn.nop()));
    // Non-broadcast operands are loaded into their local once per element (or vector).
    const load = (k: number, vector: boolean): Expr[] => {
      if (run.scalar[k]) return [];
      const addr = elem(k, () => j.get());
      return [tmp[k]!.set(vector ? fn.vload(addr, ins[k]!.addr) : fn.vloadSplat(addr, ins[k]!.addr))];
    };
    const compute = (vector: boolean): Expr[] => [
      ...ins.flatMap((_, k) => load(k, vector)),
      res.set(op(ctx, fn, tmp.map((t) => () => t.get()), ctx.node)),
    ];
    const vecEnd = run.length - (run.length % 4);
    const storeVec = fn.vstore(fn.shl(fn.add(outOff(), j.get()), 2), res.get(), out.addr);
    const storeOne = fn.storeF32(fn.shl(fn.add(outOff(), j.get()), 2), fn.vextract(res.get(), 0), out.addr);
    return [
      ...hoisted,
      fn.for(j, 0, vecEnd, 4, [...compute(true), storeVec]),
      fn.for(j, vecEnd, run.length, 1, [...compute(false), storeOne]),
    ];
  })];
}

function scalarValue(ctx: LowerContext, i: number, what: string): number {
  const t = constantInput(ctx, i, what);
  return Number(t.data[0]);
}

registerLowering({
  ops: [...Object.keys(F32_BINARY), ...Object.keys(F32_UNARY), 'Clip', 'Pow'],
  lower(ctx) {
    const { node } = ctx;
    const ins = ctx.inputs.filter((x): x is Operand => !!x);
    const dtype = ctx.outputs[0]!.dtype;
    if (dtype !== 'float32') return lowerScalarGeneric(ctx);
    if (node.op === 'Clip') {
      if ([1, 2].some((i) => ctx.inputs[i] && !ctx.inputs[i]!.constant)) return lowerGenericElementwise(ctx);
      const lo = ctx.inputs[1] ? scalarValue(ctx, 1, 'min') : -Infinity;
      const hi = ctx.inputs[2] ? scalarValue(ctx, 2, 'max') : Infinity;
      return lowerF32(ctx, (_c, fn, [x]) => vclamp(fn, x(), lo, hi), [ins[0]!]);
    }
    if (node.op === 'Pow') {
      // Exponents used by exported models (x^2 in variance, x^0.5, x^3 in GELU-tanh) are constants.
      const e = ctx.inputs[1]?.constant;
      if (!e || e.data.length !== 1) return lowerGenericElementwise(ctx);
      const p = Number(e.data[0]);
      const f = F32_POW[p];
      if (!f) return lowerGenericElementwise(ctx);
      return lowerF32(ctx, f, [ins[0]!]);
    }
    const op = F32_BINARY[node.op] ?? F32_UNARY[node.op];
    if (!op) unsupported(ctx, `${node.op} on float32`);
    return lowerF32(ctx, op, ins);
  },
});

/** Other dtypes run the scalar kernel, one element at a time. */
function lowerScalarGeneric(ctx: LowerContext): Expr[] {
  return lowerGenericElementwise(ctx);
}
