// Elementwise kernels with numpy broadcasting. float32 runs four lanes at a time with a scalar tail;
// other dtypes use a scalar loop (same loop nest, typed loads and stores). With run-time dims the
// same loops take run-time extents, strides and tails.
import { Dim, Node, Tensor, functionParams, isElementwiseFunction, opLabel } from '@onnx2wasm/ir';
import { KernelHost, Operand, registerLowering } from '../../lowering.js';
import { Expr, FnBuilder, I32 } from '../../wasm-builder.js';
import { broadcastNest } from '../emit/broadcast-loops.js';
import { at, vectorEnd } from '../emit/dynamic-util.js';
import { F32_BINARY, F32_POW, F32_UNARY, VecFn, vclamp } from '../emit/vector-functions.js';
import { lowerGenericElementwise } from './elementwise-generic.js';

/** The loop body: one f32x4 result from the operands (thunks: each call is a fresh local.get). */
export type VecOp = (ctx: KernelHost, fn: FnBuilder, xs: (() => Expr)[]) => Expr;

/** The parameters of function `id` on `node` (its attributes), empty for a function without any. */
export function vectorParams(node: Node, id: string): number[] {
  return isElementwiseFunction(id) ? functionParams(node, id) : [];
}

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
      res.set(op(ctx, fn, tmp.map((t) => () => t.get()))),
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
    const pow: VecFn | undefined = e && e.data.length === 1 ? F32_POW[Number(e.data[0])] : undefined;
    return pow ? { op: (c, b, xs) => pow(c, b, xs, []), args: [0] } : undefined;
  }
  const form = F32_BINARY[f] ?? F32_UNARY[f];
  if (!form) return undefined;
  const params = vectorParams(node, f);
  return { op: (c, b, xs) => form(c, b, xs, params), args: inputs.flatMap((x, i) => (x ? [i] : [])) };
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
