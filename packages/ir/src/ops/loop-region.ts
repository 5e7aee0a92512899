// LoopStart / LoopEnd: the bounds of a Loop run at run time (trip count or condition known only
// then). The importer emits the body's nodes once, between the two; the code generator runs the
// nodes between them repeatedly (wasm loop), so they are not ops on their own that one could fold:
//   LoopStart(cond0, x1..xn) -> (iter, cond, c1..cn): iter = 0, cond = cond0 (true when omitted),
//     the loop-carried buffers c = the initial values x;
//   LoopEnd(M, iter, cond, condOut, c1..cn, y1..yn) -> (f1..fn): between iterations the body's
//     results y (and condOut) move into c (and cond) and iter grows by one; the loop stops when
//     iter reaches the trip count M (if given) or cond is false; then f = c.
// Both carry `nondeterministic` so constant folding never evaluates them: their meaning spans the
// nodes between them. Their `evaluate` is the identity on the state, which is right only for the
// zero-iteration case and exists for the verifier and tests.
import { Node, ValueType } from '../graph.js';
import { OpDef, attrInt, fail, input, registerOp } from '../op-registry.js';
import { makeTensor } from '../tensor.js';

const sameType = (a: ValueType, b: ValueType) => a.dtype === b.dtype && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);

export const loopStart: OpDef = {
  name: 'LoopStart',
  group: 'misc',
  description: 'start of a run-time Loop: iteration 0, the initial condition and the loop-carried values',
  infer(ctx) {
    const n = ctx.node.inputs.length - 1;
    if (n < 0) fail(ctx.node, 'LoopStart takes the initial condition (or an empty name) and the initial values');
    if (ctx.node.inputs[0]) {
      const c = input(ctx, 0);
      if (c.dtype !== 'bool' || !c.shape.every((d) => d === 1)) fail(ctx.node, `the initial condition must be one bool, got ${c.dtype}[${c.shape}]`);
    }
    const carried = Array.from({ length: n }, (_, k) => input(ctx, k + 1));
    return [{ dtype: 'int64', shape: [] }, { dtype: 'bool', shape: [] }, ...carried.map((t) => ({ dtype: t.dtype, shape: [...t.shape] }))];
  },
  evaluate(_node, [cond, ...xs]) {
    return [makeTensor('int64', []), makeTensor('bool', [], [cond ? Number(cond.data[0]) : 1]), ...xs.map((x) => x!)];
  },
  flops: () => 0,
};

/** LoopEnd's attribute: how many loop-carried values (state, then scan outputs) it moves. */
export interface LoopEndAttrs { carried: number }

export function loopEndAttrs(node: Node): LoopEndAttrs {
  return { carried: attrInt(node, 'carried') };
}

export const loopEnd: OpDef = {
  name: 'LoopEnd',
  group: 'misc',
  description: 'end of a run-time Loop: moves the body results into the loop-carried values until the trip count or condition stops it',
  infer(ctx) {
    const n = loopEndAttrs(ctx.node).carried;
    if (ctx.node.inputs.length !== 4 + 2 * n) fail(ctx.node, `LoopEnd with ${n} carried values takes ${4 + 2 * n} inputs, got ${ctx.node.inputs.length}`);
    if (ctx.node.inputs[0]) {
      const m = input(ctx, 0);
      if (m.dtype !== 'int64' || !m.shape.every((d) => d === 1)) fail(ctx.node, `the trip count must be one int64, got ${m.dtype}[${m.shape}]`);
    }
    const cond = input(ctx, 3);
    if (cond.dtype !== 'bool' || !cond.shape.every((d) => d === 1)) fail(ctx.node, `the body's condition output must be one bool, got ${cond.dtype}[${cond.shape}]`);
    return Array.from({ length: n }, (_, k) => {
      const c = input(ctx, 4 + k), y = input(ctx, 4 + n + k);
      if (!sameType(c, y)) fail(ctx.node, `loop-carried value ${k} changes type in the body (${c.dtype}[${c.shape}] → ${y.dtype}[${y.shape}])`, 'DYNAMIC_SHAPE');
      return { dtype: c.dtype, shape: [...c.shape] };
    });
  },
  evaluate(node, ins) {
    const n = loopEndAttrs(node).carried;
    return ins.slice(4, 4 + n).map((c) => c!);
  },
  flops: () => 0,
};

registerOp(loopStart);
registerOp(loopEnd);
