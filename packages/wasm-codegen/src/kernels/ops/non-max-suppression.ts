// NonMaxSuppression with run-time values (the selected count is a value-dependent dim, at most
// B*C*N). Per batch and class, greedy selection in rounds: the best remaining box (score above
// score_threshold; equal scores: the lower index, as the reference sorts) is taken off the list
// and kept when its IoU with every box kept for this class is at most iou_threshold, until
// max_output_boxes_per_class are kept or no candidate is left. O(N²) per class, no sort. Scratch:
// one byte per box (still a candidate) and the kept boxes' indices (i32 each).
import { Dim, dimMul, dimProduct, nonMaxSuppressionAttrs } from '@onnx2wasm/ir';
import { LowerContext, registerLowering, unsupported } from '../../lowering.js';
import { Expr, I32, Local } from '../../wasm-builder.js';

const countSymbol = (shape: Dim[]): string => {
  const d = shape[0];
  if (typeof d !== 'string') throw new Error(`NonMaxSuppression's count is a static ${String(d)}; the node should have been folded`);
  return d;
};

function lowerNms(ctx: LowerContext): Expr[] {
  const { fn, node } = ctx;
  const [boxes, scores, maxOut, iouIn, scoreIn] = ctx.inputs;
  const y = ctx.outputs[0]!;
  if (boxes!.dtype !== 'float32' || scores!.dtype !== 'float32') unsupported(ctx, `boxes/scores of dtype ${boxes!.dtype}/${scores!.dtype} (float32 only)`);
  const centered = nonMaxSuppressionAttrs(node).centerPointBox;
  const B = () => scores!.dim(0), C = () => scores!.dim(1), N = () => scores!.dim(2);
  const b = fn.local('i32'), c = fn.local('i32'), i = fn.local('i32'), k = fn.local('i32'), best = fn.local('i32');
  const count = fn.local('i32'), kept = fn.local('i32'), limit = fn.local('i32'), keep = fn.local('i32');
  const bestScore = fn.local('f32'), s = fn.local('f32'), iouT = fn.local('f32'), scoreT = fn.local('f32');
  const alive = fn.local('i32'), keptIdx = fn.local('i32'), yAddr = fn.local('i32');
  // Box corners of the candidate (a) and of a kept box (b): y1, x1, y2, x2 with y1 <= y2, x1 <= x2.
  const a4 = [0, 1, 2, 3].map(() => fn.local('f32')), b4 = [0, 1, 2, 3].map(() => fn.local('f32'));
  const boxAt = (idx: () => I32, j: number) => fn.loadF32(fn.add(boxes!.addr(), fn.mul(fn.add(fn.mul(fn.add(fn.mul(b.get(), N()), idx()), 4), j), 4)));
  const loadCorners = (into: Local[], idx: () => I32): Expr[] => {
    const v = [0, 1, 2, 3].map(() => fn.local('f32'));
    const loads = v.map((l, j) => l.set(boxAt(idx, j)));
    if (centered) {
      const half = (x: Local) => fn.fmul(x.get(), fn.f32(0.5));
      const [xc, yc, w, h] = v as [Local, Local, Local, Local];
      return [...loads, into[0]!.set(fn.fsub(yc.get(), half(h))), into[1]!.set(fn.fsub(xc.get(), half(w))), into[2]!.set(fn.fadd(yc.get(), half(h))), into[3]!.set(fn.fadd(xc.get(), half(w)))];
    }
    return [...loads, into[0]!.set(fn.fmin(v[0]!.get(), v[2]!.get())), into[1]!.set(fn.fmin(v[1]!.get(), v[3]!.get())), into[2]!.set(fn.fmax(v[0]!.get(), v[2]!.get())), into[3]!.set(fn.fmax(v[1]!.get(), v[3]!.get()))];
  };
  // IoU > threshold, as the reference: intersection / union, 0 when the union is not positive.
  const inter = fn.local('f32'), union = fn.local('f32');
  const g = (l: Local | undefined) => l!.get();
  const overlaps = (): Expr[] => [
    inter.set(fn.fmul(
      fn.fmax(fn.f32(0), fn.fsub(fn.fmin(g(a4[2]), g(b4[2])), fn.fmax(g(a4[0]), g(b4[0])))),
      fn.fmax(fn.f32(0), fn.fsub(fn.fmin(g(a4[3]), g(b4[3])), fn.fmax(g(a4[1]), g(b4[1])))))),
    union.set(fn.fsub(fn.fadd(
      fn.fmul(fn.fsub(g(a4[2]), g(a4[0])), fn.fsub(g(a4[3]), g(a4[1]))),
      fn.fmul(fn.fsub(g(b4[2]), g(b4[0])), fn.fsub(g(b4[3]), g(b4[1])))), inter.get())),
    fn.if(fn.fgt(fn.fselect(fn.fgt(union.get(), fn.f32(0)), fn.fdiv(inter.get(), union.get()), fn.f32(0)), iouT.get()), [keep.set(fn.i(0))]),
  ];
  const scoreAt = (idx: () => I32) => fn.loadF32(fn.add(scores!.addr(), fn.mul(fn.add(fn.mul(fn.add(fn.mul(b.get(), C()), c.get()), N()), idx()), 4)));
  const raw = fn.local('i64');
  const settings: Expr[] = [
    // max_output_boxes_per_class clamped to [0, N] (absent: 0, nothing is selected).
    maxOut ? raw.set(fn.loadI64(maxOut.addr())) : raw.set(fn.constOf('i64', 0)),
    limit.set(fn.i64ToI32(fn.select(fn.num('i64', 'lt_s', raw.get(), fn.constOf('i64', 0)), fn.constOf('i64', 0), fn.select(fn.num('i64', 'gt_s', raw.get(), fn.i32ToI64(fn.i(N()))), fn.i32ToI64(fn.i(N())), raw.get())))),
    iouT.set(iouIn ? fn.loadF32(iouIn.addr()) : fn.f32(0)),
    scoreT.set(scoreIn ? fn.loadF32(scoreIn.addr()) : fn.f32(-Infinity)),
    alive.set(fn.i(ctx.scratch())),
    keptIdx.set(fn.add(ctx.scratch(), fn.and(fn.add(N(), 15), -16))),
    yAddr.set(fn.i(y.addr())),
    count.set(fn.i(0)),
  ];
  // One round takes the best remaining candidate off the list (none left: the class is done).
  const done = fn.local('i32');
  const take = [
    fn.store8(fn.add(alive.get(), best.get()), fn.i(0)),
    keep.set(fn.i(1)),
    ...loadCorners(a4, () => best.get()),
    fn.for(k, 0, kept.get(), 1, [
      ...loadCorners(b4, () => fn.loadI32(fn.add(keptIdx.get(), fn.shl(k.get(), 2)))),
      ...overlaps(),
    ]),
    fn.if(keep.get(), [
      fn.storeI32(fn.add(keptIdx.get(), fn.shl(kept.get(), 2)), best.get()),
      kept.set(fn.add(kept.get(), 1)),
      fn.storeI64(fn.add(yAddr.get(), fn.mul(count.get(), 24)), fn.i32ToI64(b.get())),
      fn.storeI64(fn.add(yAddr.get(), fn.add(fn.mul(count.get(), 24), 8)), fn.i32ToI64(c.get())),
      fn.storeI64(fn.add(yAddr.get(), fn.add(fn.mul(count.get(), 24), 16)), fn.i32ToI64(best.get())),
      count.set(fn.add(count.get(), 1)),
    ]),
  ];
  const round = [
    // Strictly greater wins, so equal scores keep the lower index.
    best.set(fn.i(-1)),
    fn.for(i, 0, N(), 1, [fn.if(fn.load8U(fn.add(alive.get(), i.get())), [
      s.set(scoreAt(() => i.get())),
      fn.if(fn.or(fn.ltS(best.get(), 0), fn.fgt(s.get(), bestScore.get())), [best.set(i.get()), bestScore.set(s.get())]),
    ])]),
    fn.if(fn.ltS(best.get(), 0), [done.set(fn.i(1))], take),
  ];
  const more = () => fn.and(fn.ltS(kept.get(), limit.get()), fn.eqz(done.get()));
  const perClass = [
    // Candidates: scores strictly above score_threshold (NaN scores never are).
    fn.for(i, 0, N(), 1, [fn.store8(fn.add(alive.get(), i.get()), fn.fgt(scoreAt(() => i.get()), scoreT.get()))]),
    kept.set(fn.i(0)),
    done.set(fn.i(0)),
    fn.if(more(), [fn.doWhile(round, more)]),
  ];
  return [
    ...settings,
    fn.for(b, 0, B(), 1, [fn.for(c, 0, C(), 1, perClass)]),
    ctx.setDim(countSymbol(y.shape), count.get()),
  ];
}

registerLowering({
  ops: ['NonMaxSuppression'],
  runTimeDims: true,
  alwaysRunTime: true,
  computedDims: (_node, [, scores], [y]) => [{ symbol: countSymbol(y!.shape), bound: dimProduct(scores!.shape) }],
  // The candidate flags (one byte per box, rounded up to 16) and the kept indices (4 bytes per box).
  runTimeScratchBytes: (_node, [, scores]) => dimMul(scores!.shape[2]!, 8) as Dim,
  lower: (ctx) => (ctx.static ? unsupported(ctx, 'NonMaxSuppression without its run-time count') : lowerNms(ctx)),
});
