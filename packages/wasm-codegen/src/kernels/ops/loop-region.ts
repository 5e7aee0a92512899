// LoopStart and LoopEnd (see the IR op): LoopStart sets iteration 0, the current condition and the
// loop-carried buffers; LoopEnd's own function copies the final carried values out after the loop.
// The loop itself (the test, the body's calls, the step between iterations) is built around the
// nodes between them by emit-variant.ts (loopStep below). Carried values may have run-time dims
// (a scan buffer sized by a run-time trip count): their copies then take run-time byte counts, and
// the step runs in a function of its own with LoopEnd's run-time context (loopStepFunction).
import { DTYPE_BYTES, Dim, dimAdd, dimMul, dimProduct, sizeOf } from '@onnx2wasm/ir';
import { LowerContext, Operand, StaticOperand, registerLowering } from '../../lowering.js';
import { Expr, FnBuilder, I32 } from '../../wasm-builder.js';

const bytes = (o: { dtype: StaticOperand['dtype']; dims: number[] }) => sizeOf(o.dims) * DTYPE_BYTES[o.dtype];
const align16 = (n: number) => Math.ceil(n / 16) * 16;
/** An operand's byte count as an i32 (a number when its dims are static). */
const byteCount = (fn: FnBuilder, o: Operand): I32 => (o.static ? bytes(o.static) : fn.mul(o.count(), DTYPE_BYTES[o.dtype]));
/** Copies src to dst unless both are the same static buffer (the planner let them share memory). */
const copyOver = (fn: FnBuilder, dst: Operand, src: Operand): Expr =>
  dst.static && src.static && dst.static.addr === src.static.addr ? fn.nop() : fn.copy(dst.addr(), src.addr(), byteCount(fn, dst));

/** A single-element bool operand as an i32 0/1 expression. */
export function flag(fn: FnBuilder, o: Operand | undefined): Expr {
  if (!o) return fn.i(1);
  if (o.constant) return fn.i(Number(o.constant.data[0]) ? 1 : 0);
  return fn.ne(fn.load8U(o.addr()), 0);
}

registerLowering({
  ops: ['LoopStart'],
  runTimeDims: true,
  lower(ctx) {
    const { fn } = ctx;
    const [cond0, ...xs] = ctx.inputs;
    const [iter, cond, ...cs] = ctx.outputs;
    return [
      fn.storeI64(iter!.addr(), fn.constOf('i64', 0)),
      fn.store8(cond!.addr(), flag(fn, cond0)),
      ...cs.map((c, k) => copyOver(fn, c, xs[k]!)),
    ];
  },
});

/** Staging room for the carried values between iterations (see loopStep): each one 16-byte aligned. */
const stagingBytes = (outputs: { dtype: StaticOperand['dtype']; shape: Dim[] }[]): Dim =>
  outputs.reduce<Dim>((s, o) => dimAdd(s, dimAdd(dimMul(dimProduct(o.shape), DTYPE_BYTES[o.dtype]), 15)), 0);

registerLowering({
  ops: ['LoopEnd'],
  runTimeDims: true,
  scratchBytes: (_node, _inputs, outputs) => outputs.reduce((s, o) => s + align16(bytes(o)), 0),
  runTimeScratchBytes: (_node, _inputs, outputs) => stagingBytes(outputs),
  lower(ctx) {
    const n = ctx.outputs.length;
    const cs = ctx.inputs.slice(4, 4 + n) as Operand[];
    return ctx.outputs.map((f, k) => copyOver(ctx.fn, f, cs[k]!));
  },
});

/**
 * The parts of a run-time loop the run function needs, from LoopEnd's operands: whether to run
 * (another) iteration, and the step between iterations (body results into the carried buffers,
 * the condition, iteration + 1). The step's statements work in the run function for static
 * operands, or in a function of their own built with LoopEnd's run-time context.
 */
export function loopStep(fn: FnBuilder, end: (Operand | undefined)[], scratch: () => I32): { test: () => Expr; step: Expr[] } {
  const [trip, iter, cond, condOut, ...rest] = end;
  const n = rest.length / 2;
  const test = loopTest(fn, trip, iter!, cond!);
  const step: Expr[] = [];
  const cs = rest.slice(0, n) as Operand[], ys = rest.slice(n) as Operand[];
  // A result that is another carried value (a swap) must be read before that value is replaced:
  // then all results go through the scratch region (LoopEnd's scratch) first. With run-time
  // buffers sharing cannot be ruled out at compile time, so they always go through it.
  const shared = (a: Operand, b: Operand) => !a.static || !b.static || a.static.addr === b.static.addr;
  const crossed = ys.some((y, k) => cs.some((c, j) => j !== k && shared(c, y)));
  if (crossed && typeof scratch() === 'number' && [...cs, ...ys].every((o) => o.static)) {
    let at = scratch() as number;
    const staged = ys.map((y) => { const a = at; at += align16(bytes(y.static!)); step.push(fn.copy(a, y.addr(), bytes(y.static!))); return a; });
    cs.forEach((c, k) => step.push(fn.copy(c.addr(), staged[k]!, bytes(c.static!))));
  } else if (crossed) {
    const at = fn.local('i32');
    step.push(at.set(fn.i(scratch())));
    const staged = ys.map((y) => {
      const a = fn.local('i32');
      step.push(a.set(at.get()), fn.copy(a.get(), y.addr(), byteCount(fn, y)));
      step.push(at.set(fn.and(fn.add(fn.add(at.get(), byteCount(fn, y)), 15), -16)));
      return a;
    });
    cs.forEach((c, k) => step.push(fn.copy(c.addr(), staged[k]!.get(), byteCount(fn, c))));
  } else {
    cs.forEach((c, k) => { const same = c.static && ys[k]!.static && c.static.addr === ys[k]!.static.addr; if (!same) step.push(copyOver(fn, c, ys[k]!)); });
  }
  step.push(fn.store8(cond!.addr(), flag(fn, condOut)));
  step.push(fn.storeI64(iter!.addr(), fn.num('i64', 'add', fn.loadI64(iter!.addr()), fn.constOf('i64', 1))));
  return { test, step };
}

/** Whether to run (another) iteration: the condition holds and the trip count, if any, is not reached. */
export function loopTest(fn: FnBuilder, trip: Operand | undefined, iter: Operand, cond: Operand): () => Expr {
  return () => {
    const going = fn.ne(fn.load8U(cond.addr()), 0);
    if (!trip) return going;
    const m = trip.constant ? fn.constOf('i64', BigInt(trip.constant.data[0] as bigint)) : fn.loadI64(trip.addr());
    return fn.and(going, fn.num('i64', 'lt_s', fn.loadI64(iter.addr()), m));
  };
}

/** The step of a loop whose carried values have run-time dims, as the body of LoopEnd's step function. */
export function loopStepFunction(ctx: LowerContext): Expr[] {
  return loopStep(ctx.fn, ctx.inputs, () => ctx.scratch()).step;
}
