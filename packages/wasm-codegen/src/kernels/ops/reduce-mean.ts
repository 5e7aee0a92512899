// ReduceMean. Size-1 dims are dropped and neighbouring dims that are both reduced or both kept are
// merged, leaving an alternating pattern. Two fast forms:
//   [kept?, reduced]          rows reduced along the contiguous innermost dim, four lanes at a time;
//   [kept?, reduced, kept]    the inner kept dim is vectorized, summing whole rows of it;
// anything else accumulates every input element into its output slot, then scales.
import { Dim, Node, dimProduct, reducedAxes, sizeOf, stridesOf } from '@onnx2wasm/ir';
import { LowerContext, staticViewIfAny, unsupported } from '../../lowering.js';
import { Expr, FnBuilder, I32 } from '../../wasm-builder.js';
import { mergeDims, stridedLoops } from '../emit/strided-loops.js';

interface Group { size: number; reduced: boolean }

function groups(dims: number[], axes: number[]): Group[] {
  const out: Group[] = [];
  dims.forEach((size, d) => {
    if (size === 1) return;
    const reduced = axes.includes(d);
    const last = out[out.length - 1];
    if (last && last.reduced === reduced) last.size *= size;
    else out.push({ size, reduced });
  });
  return out;
}

/** Means of `rows` contiguous rows of `R` floats, four lanes at a time (`rows` may be run-time). */
function meanOfRows(fn: FnBuilder, x: () => I32, y: () => I32, rows: I32, R: number): Expr[] {
  const k = fn.local('i32'), acc = fn.local('v128'), s = fn.local('f32');
  const R4 = R - (R % 4);
  const at = (p: () => Expr) => fn.add(p(), fn.shl(k.get(), 2));
  return stridedLoops(fn, [x, y], [{ count: rows, strides: [R * 4, 4] }], ([px, py]) => [
    acc.set(fn.vzero()),
    fn.for(k, 0, R4, 4, [acc.set(fn.vadd(acc.get(), fn.vload(at(px!))))]),
    s.set(fn.vsum(acc)),
    fn.for(k, R4, R, 1, [s.set(fn.fadd(s.get(), fn.loadF32(at(px!))))]),
    fn.storeF32(py!(), fn.fmul(s.get(), fn.f32(1 / R))),
  ]);
}

/** The element count of the reduced axes when they are the last ones and static, else undefined. */
function trailingStatic(node: Node, shape: Dim[]): number | undefined {
  const axes = reducedAxes(node, shape.length);
  const first = shape.length - axes.length;
  const tail = shape.slice(first);
  if (!axes.every((a) => a >= first) || !tail.every((d) => typeof d === 'number')) return undefined;
  return (tail as number[]).reduce((p, d) => p * d, 1);
}

/** ReduceMean on float32 (the Reduce lowering in reduce.ts calls it for fn 'ReduceMean'). */
export function lowerReduceMean(context: LowerContext): Expr[] {
  const ctx = staticViewIfAny(context);
  if (!ctx) return lowerReduceMeanRunTime(context);
  const { fn, node } = ctx;
  const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
  if (y.dtype !== 'float32') unsupported(ctx, `dtype ${y.dtype}`);
  const axes = reducedAxes(node, x.dims.length);
  const count = axes.reduce((p, a) => p * x.dims[a]!, 1);
  // The mean over an empty axis is 0, as onnxruntime gives it (0 / 0 would be NaN).
  const scale = count ? 1 / count : 0;
  const outN = sizeOf(y.dims);
  if (outN === 0) return [];
  const g = groups(x.dims, axes);
  const xAddr = x.addr;
  const pattern = g.map((p) => (p.reduced ? 'R' : 'K')).join('');
  if (pattern === '' || pattern === 'K') return [fn.copy(y.addr, xAddr, outN * 4)];
  const k = fn.local('i32'), acc = fn.local('v128'), s = fn.local('f32');

  if (pattern === 'R' || pattern === 'KR') return meanOfRows(fn, () => xAddr, () => y.addr, outN, g[g.length - 1]!.size);
  if (pattern === 'RK' || pattern === 'KRK') {
    const R = g[g.length - 2]!.size, I = g[g.length - 1]!.size, I4 = I - (I % 4);
    const outer = pattern === 'KRK' ? g[0]!.size : 1;
    const i = fn.local('i32');
    return stridedLoops(fn, [xAddr, y.addr], [{ count: outer, strides: [R * I * 4, I * 4] }], ([px, py]) => {
      const src = () => fn.add(fn.add(px!(), fn.shl(i.get(), 2)), fn.mul(k.get(), I * 4));
      const dst = () => fn.add(py!(), fn.shl(i.get(), 2));
      return [
        fn.for(i, 0, I4, 4, [
          acc.set(fn.vzero()),
          fn.for(k, 0, R, 1, [acc.set(fn.vadd(acc.get(), fn.vload(src())))]),
          fn.vstore(dst(), fn.vmul(acc.get(), fn.vconst(scale))),
        ]),
        fn.for(i, I4, I, 1, [
          s.set(fn.f32(0)),
          fn.for(k, 0, R, 1, [s.set(fn.fadd(s.get(), fn.loadF32(src())))]),
          fn.storeF32(dst(), fn.fmul(s.get(), fn.f32(scale))),
        ]),
      ];
    });
  }
  // General pattern: accumulate in place, output pointer not moving along reduced dims.
  const kept = x.dims.map((d, a) => (axes.includes(a) ? 1 : d));
  const is = stridesOf(x.dims), os = stridesOf(kept);
  const loops = mergeDims(x.dims.map((d, a) => ({ count: d, strides: [is[a]! * 4, axes.includes(a) ? 0 : os[a]! * 4] })));
  const j = fn.local('i32');
  return [
    fn.fill(y.addr, 0, outN * 4),
    ...stridedLoops(fn, [xAddr, y.addr], loops, ([px, py]) => [fn.storeF32(py!(), fn.fadd(fn.loadF32(py!()), fn.loadF32(px!())))]),
    fn.for(j, 0, outN, 1, [fn.storeF32(fn.shl(j.get(), 2), fn.fmul(fn.loadF32(fn.shl(j.get(), 2), y.addr), fn.f32(scale)), y.addr)]),
  ];
}

/** Run-time dims: the row form only, static reduced dims at the end (RMSNorm's mean of squares over the hidden size); other reductions run per sample. */
export function reduceMeanTakesRunTimeDims(node: Node, [x]: ({ shape: Dim[] } | undefined)[]): boolean {
  return !!x && trailingStatic(node, x.shape) !== undefined;
}

function lowerReduceMeanRunTime(ctx: LowerContext): Expr[] {
  const { fn, node } = ctx;
  const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
  if (y.dtype !== 'float32') unsupported(ctx, `dtype ${y.dtype}`);
  const R = trailingStatic(node, x.shape)!;
  const first = x.shape.length - reducedAxes(node, x.shape.length).length;
  return meanOfRows(fn, () => x.addr(), () => y.addr(), ctx.dim(dimProduct(x.shape.slice(0, first))), R);
}
