// The Reduce family over any dtype, one loop nest for every kind (reduce-kinds.ts says what each
// kind computes). Size-1 dims are dropped and neighbouring dims that are both reduced or both kept
// are merged; the kept groups become the output loops and the reduced groups the inner loops of
// each output slot. float32 has two vector forms:
//   innermost group reduced (rows): four lanes accumulate along the contiguous row, then combine;
//   innermost group kept (lanes): four neighbouring outputs are reduced together, one per lane.
// Everything else (other dtypes, short innermost groups, tails) runs one element at a time.
import { Node, REDUCE_KINDS, emptyReduction, opLabel, reducedAxes, sizeOf } from '@onnx2wasm/ir';
import { StaticContext, registerLowering, staticViewIfAny, unsupported } from '../../lowering.js';
import { Expr, Local } from '../../wasm-builder.js';
import { KindCtx, REDUCE_CODE, ReduceCode } from '../emit/reduce-kinds.js';
import { scalarType } from '../emit/scalar-types.js';
import { handlesReduceDynamic, lowerReduceDynamic } from '../emit/reduce-dynamic.js';
import { LoopDim, stridedLoops } from '../emit/strided-loops.js';
import { lowerReduceMean, reduceMeanTakesRunTimeDims } from './reduce-mean.js';

type Ptr = () => Expr;

interface Plan {
  /** Output loops: strides [x, y] in bytes. */
  kept: LoopDim[];
  /** Loops over one output slot's inputs: strides [x] in bytes. */
  reduced: LoopDim[];
  /** Whether the innermost merged group is reduced (else kept, or there are no groups). */
  innerReduced: boolean;
}

function plan(dims: number[], axes: number[], bytes: number): Plan {
  const groups: { size: number; reduced: boolean }[] = [];
  dims.forEach((size, d) => {
    if (size === 1) return;
    const reduced = axes.includes(d);
    const last = groups[groups.length - 1];
    if (last && last.reduced === reduced) last.size *= size;
    else groups.push({ size, reduced });
  });
  const kept: LoopDim[] = [], reduced: LoopDim[] = [];
  let xs = bytes, ys = bytes;
  for (let i = groups.length - 1; i >= 0; i--) {
    const g = groups[i]!;
    if (g.reduced) reduced.unshift({ count: g.size, strides: [xs] });
    else { kept.unshift({ count: g.size, strides: [xs, ys] }); ys *= g.size; }
    xs *= g.size;
  }
  return { kept, reduced, innerReduced: groups[groups.length - 1]?.reduced ?? false };
}

/** Emits one output slot's reduction at px → py, a scalar at a time. */
function scalarSlot(c: KindCtx, code: ReduceCode, reduced: LoopDim[], px: Ptr, py: Ptr): Expr[] {
  const { fn, t, ctx } = c;
  const acc = fn.local(t.wasm), v = fn.local(t.wasm), m = fn.local(t.wasm);
  const pass = (k: ReduceCode, into: Local, shift?: Ptr): Expr[] => [
    into.set(fn.constOf(t.wasm, k.identity(t))),
    ...stridedLoops(fn, [px], reduced, ([p]) => [
      v.set(t.load(ctx, p!())),
      ...(k.pre ? [v.set(k.pre(c, () => v.get(), shift))] : []),
      into.set(k.combine(c, () => into.get(), () => v.get())),
    ]),
  ];
  const shift = code.shifted ? () => m.get() : undefined;
  return [
    ...(code.shifted ? pass(REDUCE_CODE.ReduceMax!, m) : []),
    ...pass(code, acc, shift),
    t.store(ctx, py(), code.post ? code.post(c, () => acc.get(), shift) : acc.get()),
  ];
}

/** float32: one output slot whose innermost reduced group is a contiguous row of n ≥ 4 floats. */
function rowSlot(c: KindCtx, code: ReduceCode, outerReduced: LoopDim[], n: number, px: Ptr, py: Ptr): Expr[] {
  const { fn } = c;
  const n4 = n - (n % 4);
  const k = fn.local('i32'), vx = fn.local('v128'), accV = fn.local('v128');
  const v = fn.local('f32'), acc = fn.local('f32'), m = fn.local('f32');
  const pass = (kc: ReduceCode, into: Local, shift?: Ptr): Expr[] => {
    const id = Number(kc.identity(c.t));
    const at = (p: Ptr) => fn.add(p(), fn.shl(k.get(), 2));
    const lane = (l: number) => () => fn.vextract(accV.get(), l);
    const both = (a: Ptr, b: Ptr) => () => kc.combine(c, a, b);
    return [
      accV.set(fn.vconst(id)),
      into.set(fn.f32(id)),
      ...stridedLoops(fn, [px], outerReduced, ([p]) => [
        fn.for(k, 0, n4, 4, [
          vx.set(fn.vload(at(p!))),
          ...(kc.vpre ? [vx.set(kc.vpre(c, () => vx.get(), shift && (() => fn.vsplat(shift()))))] : []),
          accV.set(kc.vcombine(fn, accV.get(), vx.get())),
        ]),
        fn.for(k, n4, n, 1, [
          v.set(fn.loadF32(at(p!))),
          ...(kc.pre ? [v.set(kc.pre(c, () => v.get(), shift))] : []),
          into.set(kc.combine(c, () => into.get(), () => v.get())),
        ]),
      ]),
      into.set(kc.combine(c, () => into.get(), both(both(lane(0), lane(1)), both(lane(2), lane(3))))),
    ];
  };
  const shift = code.shifted ? () => m.get() : undefined;
  return [
    ...(code.shifted ? pass(REDUCE_CODE.ReduceMax!, m) : []),
    ...pass(code, acc, shift),
    fn.storeF32(py(), code.post ? code.post(c, () => acc.get(), shift) : acc.get()),
  ];
}

/** float32: four neighbouring output slots at px → py (contiguous in x and y), one per lane. */
function laneSlots(c: KindCtx, code: ReduceCode, reduced: LoopDim[], px: Ptr, py: Ptr): Expr[] {
  const { fn } = c;
  const vx = fn.local('v128'), acc = fn.local('v128'), m = fn.local('v128');
  const pass = (kc: ReduceCode, into: Local, shift?: Ptr): Expr[] => [
    into.set(fn.vconst(Number(kc.identity(c.t)))),
    ...stridedLoops(fn, [px], reduced, ([p]) => [
      vx.set(fn.vload(p!())),
      ...(kc.vpre ? [vx.set(kc.vpre(c, () => vx.get(), shift))] : []),
      into.set(kc.vcombine(fn, into.get(), vx.get())),
    ]),
  ];
  const shift = code.shifted ? () => m.get() : undefined;
  // The final map runs once per output: lane by lane with the scalar form.
  const post = code.post;
  const finish = post
    ? [0, 1, 2, 3].map((l) => acc.set(fn.vreplace(acc.get(), l, post(c, () => fn.vextract(acc.get(), l), shift && (() => fn.vextract(shift(), l))))))
    : [];
  return [
    ...(code.shifted ? pass(REDUCE_CODE.ReduceMax!, m) : []),
    ...pass(code, acc, shift),
    ...finish,
    fn.vstore(py(), acc.get()),
  ];
}

function lowerReduce(ctx: StaticContext): Expr[] {
  const { fn, node } = ctx;
  const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
  const t = scalarType(x.dtype);
  const code = REDUCE_CODE[opLabel(node)];
  if (!t || !code || !REDUCE_KINDS[opLabel(node)]!.dtypes.includes(x.dtype)) unsupported(ctx, `${opLabel(node)} on ${x.dtype}`);
  const c: KindCtx = { ctx, fn, t };
  const outN = sizeOf(y.dims);
  if (outN === 0) return [];
  if (sizeOf(x.dims) === 0) return fillEmpty(ctx, node, c, outN);
  const p = plan(x.dims, reducedAxes(node, x.dims.length), t.bytes);
  const bases = [x.addr, y.addr];
  if (t.dtype === 'float32' && p.innerReduced && p.reduced[p.reduced.length - 1]!.count >= 4) {
    const n = p.reduced[p.reduced.length - 1]!.count;
    return stridedLoops(fn, bases, p.kept, ([px, py]) => rowSlot(c, code, p.reduced.slice(0, -1), n, px!, py!));
  }
  if (t.dtype === 'float32' && !p.innerReduced && p.kept.length && p.kept[p.kept.length - 1]!.count >= 4) {
    const n = p.kept[p.kept.length - 1]!.count, n4 = n - (n % 4);
    const i = fn.local('i32');
    return stridedLoops(fn, bases, p.kept.slice(0, -1), ([px, py]) => {
      const sx = () => fn.add(px!(), fn.shl(i.get(), 2)), sy = () => fn.add(py!(), fn.shl(i.get(), 2));
      return [fn.for(i, 0, n4, 4, laneSlots(c, code, p.reduced, sx, sy)), fn.for(i, n4, n, 1, scalarSlot(c, code, p.reduced, sx, sy))];
    });
  }
  return stridedLoops(fn, bases, p.kept, ([px, py]) => scalarSlot(c, code, p.reduced, px!, py!));
}

/** Reducing a 0-sized dim: every output is the kind's value on an empty set. */
function fillEmpty(ctx: StaticContext, node: Node, c: KindCtx, outN: number): Expr[] {
  const { fn, t } = c;
  const j = fn.local('i32');
  const value = emptyReduction(REDUCE_KINDS[opLabel(node)]!, t.dtype);
  return [fn.for(j, 0, outN, 1, [t.store(ctx, fn.mul(j.get(), t.bytes), fn.constOf(t.wasm, value), ctx.outputs[0]!.addr)])];
}

/** Every Reduce node: ReduceMean has its own float32 kernel (reduce-mean.ts), the rest share this one. */
registerLowering({
  ops: ['Reduce'],
  runTimeDims: (node, inputs) => (opLabel(node) === 'ReduceMean' ? reduceMeanTakesRunTimeDims(node, inputs) : handlesReduceDynamic(node, inputs)),
  lower: (ctx) => {
    if (opLabel(ctx.node) === 'ReduceMean') return lowerReduceMean(ctx);
    const view = staticViewIfAny(ctx);
    return view ? lowerReduce(view) : lowerReduceDynamic(ctx);
  },
});
