// Softmax along one axis, viewed as [outer, n, inner]. Three passes per normalized vector: max,
// exp(x - max) stored into the output while summing, then a multiply by 1/sum. With inner = 1 the
// vector is a contiguous row and the passes run four elements at a time (scalar tail); otherwise
// four neighbouring vectors (inner positions i..i+3) are processed together, one per lane. With
// run-time dims the outer count and the axis extent (attention scores over seq) are read at run
// time, with a run-time scalar tail; the inner extent must stay static.
import { Dim, Node, dimProduct, isStatic, normalizeAxis, sizeOf, softmaxAttrs } from '@onnx2wasm/ir';
import { KernelHost, LowerContext, registerLowering, staticViewIfAny, unsupported } from '../../lowering.js';
import { Expr, FnBuilder, I32, Local } from '../../wasm-builder.js';
import { times, vectorEnd } from '../emit/dynamic-util.js';
import { stridedLoops } from '../emit/strided-loops.js';
import { vexp, vexpInto } from '../emit/math.js';

/** max of the four lanes. */
function hmax(fn: FnBuilder, v: Local): Expr {
  return fn.fmax(fn.fmax(fn.vextract(v.get(), 0), fn.vextract(v.get(), 1)), fn.fmax(fn.vextract(v.get(), 2), fn.vextract(v.get(), 3)));
}

/** Softmax of one contiguous row of n floats at px → py. */
function rowSoftmax(ctx: KernelHost, px: () => Expr, py: () => Expr, n: () => I32): Expr[] {
  const { fn } = ctx;
  const vec = vectorEnd(fn, n);
  const n4 = vec.end;
  const k = fn.local('i32'), mv = fn.local('v128'), sv = fn.local('v128'), e = fn.local('v128');
  const m = fn.local('f32'), s = fn.local('f32'), r = fn.local('f32');
  const at = (p: () => Expr) => fn.add(p(), fn.shl(k.get(), 2));
  return [
    ...vec.init,
    mv.set(fn.vconst(-Infinity)),
    fn.for(k, 0, n4(), 4, [mv.set(fn.vmax(mv.get(), fn.vload(at(px))))]),
    m.set(hmax(fn, mv)),
    fn.for(k, n4(), n(), 1, [m.set(fn.fmax(m.get(), fn.loadF32(at(px))))]),
    mv.set(fn.vsplat(m.get())),
    sv.set(fn.vzero()),
    fn.for(k, 0, n4(), 4, [
      ...vexpInto(fn, fn.vsub(fn.vload(at(px)), mv.get()), e, { nonPositive: true }),
      fn.vstore(at(py), e.get()),
      sv.set(fn.vadd(sv.get(), e.get())),
    ]),
    s.set(fn.vsum(sv)),
    fn.for(k, n4(), n(), 1, [
      e.set(vexp(ctx, fn, fn.vsplat(fn.fsub(fn.loadF32(at(px)), m.get())))),
      fn.storeF32(at(py), fn.vextract(e.get(), 0)),
      s.set(fn.fadd(s.get(), fn.vextract(e.get(), 0))),
    ]),
    r.set(fn.fdiv(fn.f32(1), s.get())),
    mv.set(fn.vsplat(r.get())),
    fn.for(k, 0, n4(), 4, [fn.vstore(at(py), fn.vmul(fn.vload(at(py)), mv.get()))]),
    fn.for(k, n4(), n(), 1, [fn.storeF32(at(py), fn.fmul(fn.loadF32(at(py)), r.get()))]),
  ];
}

/**
 * Softmax of `lanes` (4, or 1 for the tail) interleaved vectors of n elements with element stride
 * `inner`, starting at px → py: lane l handles the vector at inner position l.
 */
function stridedSoftmax(ctx: KernelHost, px: () => Expr, py: () => Expr, n: () => I32, inner: number, vector: boolean): Expr[] {
  const { fn } = ctx;
  const k = fn.local('i32'), mv = fn.local('v128'), sv = fn.local('v128'), e = fn.local('v128');
  const at = (p: () => Expr) => fn.add(p(), fn.mul(k.get(), inner * 4));
  const load = (p: () => Expr) => (vector ? fn.vload(at(p)) : fn.vloadSplat(at(p)));
  const store = (p: () => Expr, v: Expr) => (vector ? fn.vstore(at(p), v) : fn.vstoreLane(at(p), v, 0));
  return [
    mv.set(fn.vconst(-Infinity)),
    fn.for(k, 0, n(), 1, [mv.set(fn.vmax(mv.get(), load(px)))]),
    sv.set(fn.vzero()),
    fn.for(k, 0, n(), 1, [
      ...vexpInto(fn, fn.vsub(load(px), mv.get()), e, { nonPositive: true }),
      store(py, e.get()),
      sv.set(fn.vadd(sv.get(), e.get())),
    ]),
    sv.set(fn.vdiv(fn.vconst(1), sv.get())),
    fn.for(k, 0, n(), 1, [store(py, fn.vmul(load(py), sv.get()))]),
  ];
}

/** Softmax of `outer` blocks of [n, inner] at x → y; outer and n may be run-time. */
function softmaxBlocks(ctx: KernelHost, x: () => I32, y: () => I32, outer: I32, n: () => I32, inner: number): Expr[] {
  const { fn } = ctx;
  const row = () => times(fn, n(), inner * 4);
  const blocks = [{ count: outer, strides: [row(), row()] }];
  if (inner === 1) return stridedLoops(fn, [x, y], blocks, ([px, py]) => rowSoftmax(ctx, px!, py!, n));
  const inner4 = inner - (inner % 4);
  const i = fn.local('i32');
  return stridedLoops(fn, [x, y], blocks, ([px, py]) => {
    const sx = () => fn.add(px!(), fn.shl(i.get(), 2)), sy = () => fn.add(py!(), fn.shl(i.get(), 2));
    return [
      fn.for(i, 0, inner4, 4, stridedSoftmax(ctx, sx, sy, n, inner, true)),
      fn.for(i, inner4, inner, 1, stridedSoftmax(ctx, sx, sy, n, inner, false)),
    ];
  });
}

/** [outer dims, n, inner dims] of the node's input around its axis. */
function axisSplit(ctx: { node: Node }, shape: Dim[]): { outer: Dim[]; n: Dim; inner: Dim[] } {
  const axis = normalizeAxis(ctx.node, softmaxAttrs(ctx.node).axis, shape.length);
  return { outer: shape.slice(0, axis), n: shape[axis] ?? 1, inner: shape.slice(axis + 1) };
}

registerLowering({
  ops: ['Softmax'],
  runTimeDims: true,
  lower(context) {
    const ctx = staticViewIfAny(context);
    if (!ctx) return lowerSoftmaxRunTime(context);
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    if (y.dtype !== 'float32') unsupported(ctx, `dtype ${y.dtype}`);
    if (sizeOf(x.dims) === 0) return [];
    const { outer, n, inner } = axisSplit(ctx, x.dims);
    return softmaxBlocks(ctx, () => x.addr, () => y.addr, sizeOf(outer as number[]), () => n as number, sizeOf(inner as number[]));
  },
});

function lowerSoftmaxRunTime(ctx: LowerContext): Expr[] {
  const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
  if (y.dtype !== 'float32') unsupported(ctx, `dtype ${y.dtype}`);
  const { outer, n, inner } = axisSplit(ctx, x.shape);
  if (!isStatic(inner)) unsupported(ctx, `inner dims [${inner}] after the softmax axis, with run-time dims`);
  if (n === 0 || sizeOf(inner) === 0) return [];
  return softmaxBlocks(ctx, () => x.addr(), () => y.addr(), ctx.dim(dimProduct(outer)), () => ctx.dim(n), sizeOf(inner));
}
