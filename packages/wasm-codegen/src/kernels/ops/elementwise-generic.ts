// The scalar elementwise kernel for every dtype: the same broadcast loop nest as the float32 SIMD
// kernel, one element at a time, with typed loads/stores and the expressions of scalar-ops.ts.
// It serves integer, bool, float64 and float16 tensors and float32 ops without a vector form,
// with static or run-time dims.
import { Dim, Node, opLabel } from '@onnx2wasm/ir';
import { KernelHost, LowerContext, Operand, unsupported } from '../../lowering.js';
import { Expr, I32, Local } from '../../wasm-builder.js';
import { broadcastNest } from '../emit/broadcast-loops.js';
import { at } from '../emit/dynamic-util.js';
import { SCALAR_BINARY, SCALAR_UNARY, ScalarCtx, ScalarOp } from '../emit/scalar-ops.js';
import { ScalarType, scalarType } from '../emit/scalar-types.js';

function typeOf(ctx: { node: Node }, o: Operand): ScalarType {
  const t = scalarType(o.dtype);
  if (!t) unsupported(ctx, `dtype ${o.dtype}`);
  return t;
}

/** Clip with optional run-time min/max scalars. */
const clip: ScalarOp = (c, [x, lo, hi]) => {
  const { fn, t } = c;
  const cmp = (base: 'lt' | 'gt') => (t.float ? base : `${base}_${t.signed ? 's' : 'u'}` as const);
  let v = x!();
  if (lo) v = t.float ? fn.num(t.wasm, 'max', v, lo()) : fn.select(fn.num(t.wasm, cmp('lt'), x!(), lo()), lo(), x!());
  if (!hi) return v;
  if (t.float) return fn.num(t.wasm, 'min', v, hi());
  // integer: recompute the lower clamp into a select chain (each thunk is a fresh local read)
  const lower = lo ? fn.select(fn.num(t.wasm, cmp('lt'), x!(), lo()), lo(), x!()) : x!();
  const lower2 = lo ? fn.select(fn.num(t.wasm, cmp('lt'), x!(), lo()), lo(), x!()) : x!();
  return fn.select(fn.num(t.wasm, cmp('gt'), lower, hi()), hi(), lower2);
};

const where: ScalarOp = (c, [cond, x, y]) => c.fn.select(cond!(), x!(), y!());

/** The scalar loop over a broadcast output (`ctx` builds helpers only); dims may be run-time (`dimOf`). */
function emitGeneric(ctx: KernelHost, inputs: (Operand | undefined)[], out: Operand, dimOf: (d: Dim) => I32): Expr[] {
  const { node, fn } = ctx;
  const slots = inputs.map((o, i) => ({ o, i })).filter((s): s is { o: Operand; i: number } => !!s.o);
  const ins = slots.map((s) => s.o);
  const id = opLabel(node);
  const f: ScalarOp | undefined = id === 'Clip' ? clip : id === 'Where' ? where : SCALAR_BINARY[id] ?? SCALAR_UNARY[id];
  if (!f) unsupported(ctx, `${id} on ${out.dtype}`);
  const types = ins.map((o) => typeOf(ctx, o));
  const outT = typeOf(ctx, out);
  // The op computes in its value operand's type (Where: x/y, not the bool condition).
  const t = id === 'Where' ? types[1]! : types[0]!;
  const locals: Local[] = types.map((ty) => fn.local(ty.wasm));
  const sc: ScalarCtx = { ctx, fn, t, node, types };
  // Clip's omitted min/max keep their positional meaning.
  const thunks = (): ((() => Expr) | undefined)[] => {
    const arr: ((() => Expr) | undefined)[] = [];
    slots.forEach((s, k) => { arr[s.i] = () => locals[k]!.get(); });
    return arr;
  };
  return broadcastNest(fn, out.shape, ins.map((o) => o.shape), dimOf, (offsets, run) => {
    const j = fn.local('i32');
    const addr = (k: number, withJ: boolean) => at(fn, ins[k]!.addr(), fn.mul(withJ ? fn.add(offsets[k]!(), j.get()) : offsets[k]!(), types[k]!.bytes));
    const hoisted = ins.map((_, k) => (run.scalar[k] ? locals[k]!.set(types[k]!.load(ctx, ...addr(k, false))) : fn.nop()));
    const loads = ins.map((_, k) => (run.scalar[k] ? fn.nop() : locals[k]!.set(types[k]!.load(ctx, ...addr(k, true)))));
    const [oa, oo] = at(fn, out.addr(), fn.mul(fn.add(offsets[ins.length]!(), j.get()), outT.bytes));
    const value = f(sc, thunks() as (() => Expr)[]);
    return [...hoisted, fn.for(j, 0, run.length(), 1, [...loads, outT.store(ctx, oa, value, oo)])];
  });
}

/** Static dims fold to constants, so one path serves both. */
export function lowerGenericElementwise(ctx: LowerContext): Expr[] {
  return emitGeneric(ctx, ctx.inputs, ctx.outputs[0]!, ctx.dim);
}
