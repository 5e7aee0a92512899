// TopK with run-time dims or a run-time k (the (x, k) form): the insertion algorithm of top-k.ts
// with every count an i32 read at run time. A run-time k is a value-dependent dim bounded by the
// axis length: the kernel checks 0 <= k <= n before writing anything and otherwise leaves the bad
// k in the dims table and traps, which the runtime reports as SHAPE_OUT_OF_BOUNDS naming the node.
import { Dim, Node, normalizeAxis, topKAttrs } from '@onnx2wasm/ir';
import { ComputedDim, LowerContext, unsupported } from '../../lowering.js';
import { Expr, I32 } from '../../wasm-builder.js';
import { clampedCount } from './dynamic-util.js';
import { scalarType } from './scalar-types.js';
import { topKBefore } from './top-k-order.js';

const axisOf = (node: Node, rank: number) => normalizeAxis(node, topKAttrs(node).axis, rank);

/** The run-time k of the (x, k) form: its output dim symbol and bound (the axis length). */
export function topKComputedDims(node: Node, inputs: ({ shape: Dim[] } | undefined)[], outputs: { shape: Dim[] }[]): ComputedDim[] {
  if (topKAttrs(node).k !== undefined) return [];
  const axis = axisOf(node, inputs[0]!.shape.length);
  const k = outputs[0]!.shape[axis];
  return typeof k === 'string' ? [{ symbol: k, bound: inputs[0]!.shape[axis]! }] : [];
}

export function lowerTopKDynamic(ctx: LowerContext): Expr[] {
  const { fn, node } = ctx;
  const x = ctx.inputs[0]!, values = ctx.outputs[0]!, indices = ctx.outputs[1]!;
  const t = scalarType(x.dtype);
  if (!t) unsupported(ctx, `dtype ${x.dtype}`);
  const h = ctx;
  const rank = x.shape.length, axis = axisOf(node, rank);
  const { largest } = topKAttrs(node);
  const outer = () => x.count(0, axis), n = () => x.dim(axis), inner = () => x.count(axis + 1, rank);
  const computed = topKComputedDims(node, ctx.inputs, ctx.outputs);
  const kLocal = fn.local('i32');
  const k = (): I32 => (computed.length ? kLocal.get() : values.dim(axis));
  const prelude: Expr[] = [];
  if (computed.length) {
    const kIn = ctx.inputs[1]!;
    const raw = fn.local('i64');
    prelude.push(
      raw.set(fn.loadI64(kIn.addr())),
      kLocal.set(clampedCount(fn, () => raw.get())),
      ctx.setDim(computed[0]!.symbol, kLocal.get()),
      fn.if(fn.or(fn.ltS(kLocal.get(), 0), fn.gtS(kLocal.get(), n())), [fn.failCheck()]),
    );
  }
  const o = fn.local('i32'), i = fn.local('i32'), j = fn.local('i32'), q = fn.local('i32'), p = fn.local('i32'), held = fn.local('i32'), last = fn.local('i32');
  const v = fn.local(t.wasm);
  const slot = (r: () => I32) => fn.add(fn.mul(fn.add(fn.mul(o.get(), k()), r()), inner()), i.get());
  const valAt = (r: () => I32) => fn.add(values.addr(), fn.mul(slot(r), t.bytes));
  const idxAt = (r: () => I32) => fn.add(indices.addr(), fn.mul(slot(r), 8));
  const heldAt = (r: () => I32) => () => t.load(h, valAt(r));
  const before = (a: () => Expr, b: () => Expr) => topKBefore(h, t, a, b, largest);
  // The insertion as in top-k.ts: p = held entries not worse than v; entries p .. last-1 move
  // down one place, the highest first (the k-th falls off); v goes to p.
  const r = fn.local('i32');
  const insert = (): Expr[] => [
    p.set(fn.i(0)),
    fn.for(q, 0, held.get(), 1, [p.set(fn.add(p.get(), fn.eqz(before(() => v.get(), heldAt(() => q.get())))))]),
    last.set(fn.selectI(fn.ltS(held.get(), k()), held.get(), fn.sub(k(), 1))),
    fn.for(r, 0, fn.sub(last.get(), p.get()), 1, [
      q.set(fn.sub(fn.sub(last.get(), 1), r.get())),
      t.store(h, valAt(() => fn.add(q.get(), 1)), t.load(h, valAt(() => q.get()))),
      fn.storeI64(idxAt(() => fn.add(q.get(), 1)), fn.loadI64(idxAt(() => q.get()))),
    ]),
    t.store(h, valAt(() => p.get()), v.get()),
    fn.storeI64(idxAt(() => p.get()), fn.i32ToI64(j.get())),
    held.set(fn.selectI(fn.ltS(held.get(), k()), fn.add(held.get(), 1), held.get())),
  ];
  // Entry k - 1 is read only with k > 0 (the whole node is skipped for k = 0).
  const perSlot = [
    held.set(fn.i(0)),
    fn.for(j, 0, n(), 1, [
      v.set(t.load(h, fn.add(x.addr(), fn.mul(fn.add(fn.mul(fn.add(fn.mul(o.get(), n()), j.get()), inner()), i.get()), t.bytes)))),
      fn.if(fn.or(fn.ltS(held.get(), k()), before(() => v.get(), heldAt(() => fn.sub(k(), 1)))), insert()),
    ]),
  ];
  return [...prelude, fn.if(fn.gtS(k(), 0), [fn.for(o, 0, outer(), 1, [fn.for(i, 0, inner(), 1, perSlot)])])];
}
