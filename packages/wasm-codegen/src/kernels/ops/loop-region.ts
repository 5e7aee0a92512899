// LoopStart and LoopEnd (see the IR op): LoopStart sets iteration 0, the current condition and the
// loop-carried buffers; LoopEnd's own function copies the final carried values out after the loop.
// The loop itself (the test, the body's calls, the step between iterations) is built around the
// nodes between them by emit-variant.ts (loopStep below).
import { DTYPE_BYTES, sizeOf } from '@onnx2wasm/ir';
import { StaticOperand, registerLowering, staticView } from '../../lowering.js';
import { Expr, FnBuilder } from '../../wasm-builder.js';

const bytes = (o: { dtype: StaticOperand['dtype']; dims: number[] }) => sizeOf(o.dims) * DTYPE_BYTES[o.dtype];
const align16 = (n: number) => Math.ceil(n / 16) * 16;

/** A single-element bool operand as an i32 0/1 expression. */
export function flag(fn: FnBuilder, o: StaticOperand | undefined): Expr {
  if (!o) return fn.i(1);
  if (o.constant) return fn.i(Number(o.constant.data[0]) ? 1 : 0);
  return fn.ne(fn.load8U(o.addr), 0);
}

registerLowering({
  ops: ['LoopStart'],
  lower(context) {
    const ctx = staticView(context);
    const { fn } = ctx;
    const [cond0, ...xs] = ctx.inputs;
    const [iter, cond, ...cs] = ctx.outputs;
    return [
      fn.storeI64(iter!.addr, fn.constOf('i64', 0)),
      fn.store8(cond!.addr, flag(fn, cond0)),
      ...cs.map((c, k) => (c.addr === xs[k]!.addr ? fn.nop() : fn.copy(c.addr, xs[k]!.addr, bytes(c)))),
    ];
  },
});

registerLowering({
  ops: ['LoopEnd'],
  // Room to stage the body's results between iterations (see loopStep).
  scratchBytes: (_node, _inputs, outputs) => outputs.reduce((s, o) => s + align16(bytes(o)), 0),
  lower(context) {
    const ctx = staticView(context);
    const n = ctx.outputs.length;
    const cs = ctx.inputs.slice(4, 4 + n);
    return ctx.outputs.map((f, k) => (f.addr === cs[k]!.addr ? ctx.fn.nop() : ctx.fn.copy(f.addr, cs[k]!.addr, bytes(f))));
  },
});

/**
 * The parts of a run-time loop the run function needs, from LoopEnd's operands: whether to run
 * (another) iteration, and the step between iterations (body results into the carried buffers,
 * the condition, iteration + 1).
 */
export function loopStep(fn: FnBuilder, end: (StaticOperand | undefined)[], scratch: number): { test: () => Expr; step: Expr[] } {
  const [trip, iter, cond, condOut, ...rest] = end;
  const n = rest.length / 2;
  const test = () => {
    const going = fn.ne(fn.load8U(cond!.addr), 0);
    if (!trip) return going;
    const m = trip.constant ? fn.constOf('i64', BigInt(trip.constant.data[0] as bigint)) : fn.loadI64(trip.addr);
    return fn.and(going, fn.num('i64', 'lt_s', fn.loadI64(iter!.addr), m));
  };
  const step: Expr[] = [];
  const cs = rest.slice(0, n) as StaticOperand[], ys = rest.slice(n) as StaticOperand[];
  // A result that is another carried value (a swap) must be read before that value is replaced:
  // then all results go through the scratch region (LoopEnd's scratchBytes) first.
  const crossed = ys.some((y, k) => cs.some((c, j) => j !== k && c.addr === y.addr));
  if (crossed) {
    let at = scratch;
    const staged = ys.map((y) => { const a = at; at += align16(bytes(y)); step.push(fn.copy(a, y.addr, bytes(y))); return a; });
    cs.forEach((c, k) => step.push(fn.copy(c.addr, staged[k]!, bytes(c))));
  } else {
    cs.forEach((c, k) => { if (c.addr !== ys[k]!.addr) step.push(fn.copy(c.addr, ys[k]!.addr, bytes(c))); });
  }
  step.push(fn.store8(cond!.addr, flag(fn, condOut)));
  step.push(fn.storeI64(iter!.addr, fn.num('i64', 'add', fn.loadI64(iter!.addr), fn.constOf('i64', 1))));
  return { test, step };
}
