// LogSoftmax along one axis, viewed as [outer, n, inner]: per vector, the max m, s = sum(exp(x - m)),
// then y = x - (m + log s). float32 runs on f32x4: with inner = 1 along the contiguous row (scalar
// tail), otherwise four neighbouring vectors at once, one per lane (the inner tail one lane at a
// time). The log is taken once per vector through the host. float64/float16 run a scalar loop.
// With run-time dims the outer count and the axis extent are read at run time; inner stays static.
import { DType, Node, axisView, isStatic, normalizeAxis, sizeOf, softmaxAttrs } from '@onnx2wasm/ir';
import { KernelHost, LowerContext, registerLowering, staticViewIfAny, unsupported } from '../../lowering.js';
import { Expr, FnBuilder, I32 } from '../../wasm-builder.js';
import { times, vectorEnd } from '../emit/dynamic-util.js';
import { stridedLoops } from '../emit/strided-loops.js';
import { vexp } from '../emit/math.js';
import { ScalarType, scalarType } from '../emit/scalar-types.js';

type Ptr = () => Expr;

function hostLog(fn: FnBuilder, wasm: 'f32' | 'f64', x: Expr): Expr {
  if (wasm === 'f64') return fn.callImport('math', 'log', [x], ['f64'], 'f64');
  return fn.num('f32', 'demote', fn.callImport('math', 'log', [fn.num('f64', 'promote', x)], ['f64'], 'f64'));
}

/** One contiguous float32 row of n at px → py. */
function row(ctx: KernelHost, px: Ptr, py: Ptr, n: () => I32): Expr[] {
  const { fn } = ctx;
  const vec = vectorEnd(fn, n);
  const n4 = vec.end;
  const k = fn.local('i32'), acc = fn.local('v128');
  const m = fn.local('f32'), s = fn.local('f32');
  const at = (p: Ptr) => fn.add(p(), fn.shl(k.get(), 2));
  const lane = (i: number) => fn.vextract(acc.get(), i);
  return [
    ...vec.init,
    acc.set(fn.vconst(-Infinity)),
    fn.for(k, 0, n4(), 4, [acc.set(fn.vmax(acc.get(), fn.vload(at(px))))]),
    m.set(fn.fmax(fn.fmax(lane(0), lane(1)), fn.fmax(lane(2), lane(3)))),
    fn.for(k, n4(), n(), 1, [m.set(fn.fmax(m.get(), fn.loadF32(at(px))))]),
    acc.set(fn.vzero()),
    fn.for(k, 0, n4(), 4, [acc.set(fn.vadd(acc.get(), vexp(ctx, fn, fn.vsub(fn.vload(at(px)), fn.vsplat(m.get())))))]),
    s.set(fn.vsum(acc)),
    fn.for(k, n4(), n(), 1, [s.set(fn.fadd(s.get(), fn.vextract(vexp(ctx, fn, fn.vsplat(fn.fsub(fn.loadF32(at(px)), m.get()))), 0)))]),
    m.set(fn.fadd(m.get(), hostLog(fn, 'f32', s.get()))),
    fn.for(k, 0, n4(), 4, [fn.vstore(at(py), fn.vsub(fn.vload(at(px)), fn.vsplat(m.get())))]),
    fn.for(k, n4(), n(), 1, [fn.storeF32(at(py), fn.fsub(fn.loadF32(at(px)), m.get()))]),
  ];
}

/** Four (or, with `vector` false, one) interleaved float32 vectors of n, element stride `inner`. */
function lanes(ctx: KernelHost, px: Ptr, py: Ptr, n: () => I32, inner: number, vector: boolean): Expr[] {
  const { fn } = ctx;
  const k = fn.local('i32'), m = fn.local('v128'), s = fn.local('v128');
  const at = (p: Ptr) => fn.add(p(), fn.mul(k.get(), inner * 4));
  const load = () => (vector ? fn.vload(at(px)) : fn.vloadSplat(at(px)));
  const store = (v: Expr) => (vector ? fn.vstore(at(py), v) : fn.vstoreLane(at(py), v, 0));
  return [
    m.set(fn.vconst(-Infinity)),
    fn.for(k, 0, n(), 1, [m.set(fn.vmax(m.get(), load()))]),
    s.set(fn.vzero()),
    fn.for(k, 0, n(), 1, [s.set(fn.vadd(s.get(), vexp(ctx, fn, fn.vsub(load(), m.get()))))]),
    ...[0, 1, 2, 3].slice(0, vector ? 4 : 1).map((l) => s.set(fn.vreplace(s.get(), l, hostLog(fn, 'f32', fn.vextract(s.get(), l))))),
    m.set(fn.vadd(m.get(), s.get())),
    fn.for(k, 0, n(), 1, [store(fn.vsub(load(), m.get()))]),
  ];
}

/** Any float type, one element at a time (exp and log through the host). */
function scalar(ctx: KernelHost, t: ScalarType, px: Ptr, py: Ptr, n: () => I32, stride: number): Expr[] {
  const { fn } = ctx;
  const w = t.wasm as 'f32' | 'f64';
  const k = fn.local('i32'), m = fn.local(w), s = fn.local(w);
  const at = (p: Ptr) => fn.add(p(), fn.mul(k.get(), stride));
  const exp = (x: Expr) => {
    const r = fn.callImport('math', 'exp', [w === 'f32' ? fn.num('f64', 'promote', x) : x], ['f64'], 'f64');
    return w === 'f32' ? fn.num('f32', 'demote', r) : r;
  };
  return [
    m.set(fn.constOf(w, -Infinity)),
    fn.for(k, 0, n(), 1, [m.set(fn.num(w, 'max', m.get(), t.load(ctx, at(px))))]),
    s.set(fn.constOf(w, 0)),
    fn.for(k, 0, n(), 1, [s.set(fn.num(w, 'add', s.get(), exp(fn.num(w, 'sub', t.load(ctx, at(px)), m.get()))))]),
    m.set(fn.num(w, 'add', m.get(), hostLog(fn, w, s.get()))),
    fn.for(k, 0, n(), 1, [t.store(ctx, at(py), fn.num(w, 'sub', t.load(ctx, at(px)), m.get()))]),
  ];
}

/** LogSoftmax of `outer` blocks of [n, inner] at x → y; outer and n may be run-time. */
function logSoftmaxBlocks(ctx: KernelHost, t: ScalarType, x: () => I32, y: () => I32, outer: I32, n: () => I32, inner: number): Expr[] {
  const { fn } = ctx;
  const rowBytes = () => times(fn, n(), inner * t.bytes);
  const rows = [{ count: outer, strides: [rowBytes(), rowBytes()] }];
  if (t.dtype !== 'float32') {
    return stridedLoops(fn, [x, y], [...rows, { count: inner, strides: [t.bytes, t.bytes] }], ([px, py]) => scalar(ctx, t, px!, py!, n, inner * t.bytes));
  }
  if (inner === 1) return stridedLoops(fn, [x, y], rows, ([px, py]) => row(ctx, px!, py!, n));
  const inner4 = inner - (inner % 4);
  const i = fn.local('i32');
  return stridedLoops(fn, [x, y], rows, ([px, py]) => {
    const sx = () => fn.add(px!(), fn.shl(i.get(), 2)), sy = () => fn.add(py!(), fn.shl(i.get(), 2));
    return [fn.for(i, 0, inner4, 4, lanes(ctx, sx, sy, n, inner, true)), fn.for(i, inner4, inner, 1, lanes(ctx, sx, sy, n, inner, false))];
  });
}

function floatType(ctx: { node: Node }, dtype: DType): ScalarType {
  const t = scalarType(dtype);
  if (!t?.float) unsupported(ctx, `dtype ${dtype}`);
  return t;
}

registerLowering({
  ops: ['LogSoftmax'],
  runTimeDims: true,
  lower(context) {
    const ctx = staticViewIfAny(context);
    if (!ctx) return lowerLogSoftmaxRunTime(context);
    const { node } = ctx;
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    const t = floatType(ctx, x.dtype);
    if (sizeOf(x.dims) === 0) return [];
    const { outer, n, inner } = axisView(node, x.dims, softmaxAttrs(node).axis);
    return logSoftmaxBlocks(ctx, t, () => x.addr, () => y.addr, outer, () => n, inner);
  },
});

function lowerLogSoftmaxRunTime(ctx: LowerContext): Expr[] {
  const { node } = ctx;
  const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
  const t = floatType(ctx, x.dtype);
  const axis = normalizeAxis(node, softmaxAttrs(node).axis, x.shape.length);
  const n = x.shape[axis] ?? 1, inner = x.shape.slice(axis + 1);
  if (!isStatic(inner)) unsupported(ctx, `inner dims [${inner}] after the log-softmax axis, with run-time dims`);
  if (n === 0 || sizeOf(inner) === 0) return [];
  return logSoftmaxBlocks(ctx, t, () => x.addr(), () => y.addr(), x.count(0, axis), () => ctx.dim(n), sizeOf(inner));
}
