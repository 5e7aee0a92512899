// The Reduce family with run-time dims (a sum over NonZero's hits, a mean over `seq`): the reduced
// axes must form one contiguous block, so x is viewed as [outer, n, inner] and each output slot
// (o, i) is one scalar loop over n. Simpler than reduce.ts's vector forms; run-time dims are rare
// on the reductions that matter for speed (ReduceMean over static trailing axes has its own kernel).
import { DType, Dim, Node, REDUCE_KINDS, dimProduct, emptyReduction, opLabel, reducedAxes } from '@onnx2wasm/ir';
import { LowerContext, unsupported } from '../../lowering.js';
import { Expr, Local } from '../../wasm-builder.js';
import { KindCtx, REDUCE_CODE, ReduceCode } from './reduce-kinds.js';
import { scalarType } from './scalar-types.js';

/** [first, end) of the reduced axes when they are one contiguous block (static 1s ignored); undefined otherwise. */
function reducedBlock(node: Node, shape: Dim[]): [number, number] | undefined {
  const axes = reducedAxes(node, shape.length).filter((a) => shape[a] !== 1);
  if (!axes.length) return [shape.length, shape.length];
  const lo = Math.min(...axes), hi = Math.max(...axes) + 1;
  for (let a = lo; a < hi; a++) if (!axes.includes(a) && shape[a] !== 1) return undefined;
  return [lo, hi];
}

/**
 * Whether this kernel takes the node: reduced axes in one block, and run-time dims that per-sample
 * execution (the vectorized static kernel in a loop over a leading batch) cannot take.
 */
export function handlesReduceDynamic(node: Node, inputs: ({ dtype: DType; shape: Dim[] } | undefined)[]): boolean {
  const shape = inputs[0]!.shape;
  const block = reducedBlock(node, shape);
  if (!block) return false;
  const perSample = shape.every((d, a) => typeof d === 'number' || (a === 0 && !(block[0] === 0 && block[1] > 0)));
  return !perSample;
}

export function lowerReduceDynamic(ctx: LowerContext): Expr[] {
  const { fn, node } = ctx;
  const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
  const t = scalarType(x.dtype);
  const code = REDUCE_CODE[opLabel(node)];
  if (!t || !code || !REDUCE_KINDS[opLabel(node)]!.dtypes.includes(x.dtype)) unsupported(ctx, `${opLabel(node)} on ${x.dtype}`);
  const [lo, hi] = reducedBlock(node, x.shape)!;
  // Thunks: an expression may appear only once in the tree, and ctx.dim gives a fresh read each call.
  const outer = () => ctx.dim(dimProduct(x.shape.slice(0, lo))), n = () => ctx.dim(dimProduct(x.shape.slice(lo, hi))), inner = () => ctx.dim(dimProduct(x.shape.slice(hi)));
  const c: KindCtx = { ctx: ctx, fn, t };
  const o = fn.local('i32'), i = fn.local('i32'), r = fn.local('i32');
  const acc = fn.local(t.wasm), v = fn.local(t.wasm), m = fn.local(t.wasm);
  const xAt = () => fn.add(x.addr(), fn.mul(fn.add(fn.mul(fn.add(fn.mul(o.get(), n()), r.get()), inner()), i.get()), t.bytes));
  const yAt = () => fn.add(y.addr(), fn.mul(fn.add(fn.mul(o.get(), inner()), i.get()), t.bytes));
  const pass = (k: ReduceCode, into: Local, shift?: () => Expr): Expr[] => [
    into.set(fn.constOf(t.wasm, k.identity(t))),
    fn.for(r, 0, n(), 1, [
      v.set(t.load(c.ctx, xAt())),
      ...(k.pre ? [v.set(k.pre(c, () => v.get(), shift))] : []),
      into.set(k.combine(c, () => into.get(), () => v.get())),
    ]),
  ];
  const shift = code.shifted ? () => m.get() : undefined;
  const slot = [
    ...(code.shifted ? pass(REDUCE_CODE.ReduceMax!, m) : []),
    ...pass(code, acc, shift),
    t.store(c.ctx, yAt(), code.post ? code.post(c, () => acc.get(), shift) : acc.get()),
  ];
  // An empty reduction (n = 0 at run time, e.g. no NonZero hits) gives the kind's value on an empty set.
  const empty = t.store(c.ctx, yAt(), fn.constOf(t.wasm, emptyReduction(REDUCE_KINDS[opLabel(node)]!, t.dtype)));
  return [fn.for(o, 0, outer(), 1, [fn.for(i, 0, inner(), 1, [fn.if(fn.eqz(n()), [empty], slot)])])];
}
