// LayerNormalization over rows of D = prod(dims[axis:]) floats: a vectorized sum for the mean, a
// second pass for the variance (two passes: no cancellation from E[x²] - E[x]²), then
// y = (x - mean) * rstd * scale + bias four lanes at a time. A constant Scale/B that broadcasts is
// expanded to D values at compile time; a run-time one must already have D elements. With run-time
// dims the row count is read at run time; D must stay static.
import { Dim, Node, Tensor, broadcastIndexer, isStatic, layerNormalizationAttrs, makeTensor, normalizeAxis, sizeOf } from '@onnx2wasm/ir';
import { KernelHost, LowerContext, StaticContext, registerLowering, staticViewIfAny, unsupported } from '../../lowering.js';
import { Expr, I32 } from '../../wasm-builder.js';
import { at } from '../emit/dynamic-util.js';
import { stridedLoops } from '../emit/strided-loops.js';

function expanded(t: Tensor, tail: number[]): Tensor {
  const out = makeTensor('float32', [sizeOf(tail)]);
  const idx = broadcastIndexer(t.dims, tail);
  for (let i = 0; i < out.data.length; i++) (out.data as Float32Array)[i] = Number(t.data[idx(i)]);
  return out;
}

/** Scale or B (or RMSNormalization's Scale) as a kernel needs it: static dims, an address (a fresh i32 per call), a constant value. */
export interface RowParamOperand { name: string; shape: Dim[]; addr(): I32; constant?: Tensor }

/** Address of D contiguous values of Scale or B. */
export function rowParam(ctx: Pick<StaticContext, 'node' | 'addWeight'>, p: RowParamOperand, tail: number[], what: string): () => I32 {
  if (!isStatic(p.shape)) unsupported(ctx, `a ${what} of shape [${p.shape}], with run-time dims`);
  if (sizeOf(p.shape as number[]) === sizeOf(tail)) return () => p.addr();
  if (!p.constant) unsupported(ctx, `a run-time ${what} of shape [${p.shape}] that must broadcast to [${tail}]`);
  const addr = ctx.addWeight(expanded(p.constant, tail), `${ctx.node.op}:${p.name}:${tail}`);
  return () => addr;
}

/** The node's layout: rows (maybe run-time) of a static normalized extent. */
export interface RowPlan { rows: I32; D: number; tail: number[]; axis: number }

export function rowPlan(ctx: { node: Node }, shape: Dim[], rowsOf: (axis: number) => I32): RowPlan | undefined {
  const axis = normalizeAxis(ctx.node, layerNormalizationAttrs(ctx.node).axis, shape.length);
  const tail = shape.slice(axis);
  if (!isStatic(tail)) unsupported(ctx, `a normalized extent [${tail}], with run-time dims`);
  const rows = rowsOf(axis), D = sizeOf(tail as number[]);
  if (rows === 0 || D === 0) return undefined;
  return { rows, D, tail: tail as number[], axis };
}

interface Pointers { x: () => I32; y: () => I32; mean?: () => I32; rstd?: () => I32; scale: () => I32; bias?: () => I32 }

function normalizeRows(ctx: KernelHost, p: RowPlan, ptr: Pointers): Expr[] {
  const { fn, node } = ctx;
  const { D } = p;
  const eps = layerNormalizationAttrs(node).epsilon;
  const D4 = D - (D % 4);
  const k = fn.local('i32'), acc = fn.local('v128'), t = fn.local('v128'), mv = fn.local('v128'), rv = fn.local('v128');
  const mean = fn.local('f32'), s = fn.local('f32'), d = fn.local('f32'), rstd = fn.local('f32');
  const stats = [ptr.mean, ptr.rstd].filter((o) => o !== undefined);
  const bases = [ptr.x, ptr.y, ...stats];
  const strides = [D * 4, D * 4, ...stats.map(() => 4)];
  return stridedLoops(fn, bases, [{ count: p.rows, strides }], ([px, py, ...pstats]) => {
    const at4 = (q: () => Expr) => fn.add(q(), fn.shl(k.get(), 2));
    const param = (base: () => I32) => fn.vload(...at(fn, base(), fn.shl(k.get(), 2)));
    const paramOne = (base: () => I32) => fn.loadF32(...at(fn, base(), fn.shl(k.get(), 2)));
    const yVec = () => {
      const v = fn.vmul(fn.vmul(fn.vsub(fn.vload(at4(px!)), mv.get()), rv.get()), param(ptr.scale));
      return ptr.bias ? fn.vadd(v, param(ptr.bias)) : v;
    };
    const yOne = () => {
      const v = fn.fmul(fn.fmul(fn.fsub(fn.loadF32(at4(px!)), mean.get()), rstd.get()), paramOne(ptr.scale));
      return ptr.bias ? fn.fadd(v, paramOne(ptr.bias)) : v;
    };
    let statIdx = 0;
    const statStores = [ptr.mean, ptr.rstd].map((o, i) => (o ? fn.storeF32(pstats[statIdx++]!(), i === 0 ? mean.get() : rstd.get()) : undefined)).filter((e) => e !== undefined);
    return [
      acc.set(fn.vzero()),
      fn.for(k, 0, D4, 4, [acc.set(fn.vadd(acc.get(), fn.vload(at4(px!))))]),
      s.set(fn.vsum(acc)),
      fn.for(k, D4, D, 1, [s.set(fn.fadd(s.get(), fn.loadF32(at4(px!))))]),
      mean.set(fn.fdiv(s.get(), fn.f32(D))),
      mv.set(fn.vsplat(mean.get())),
      acc.set(fn.vzero()),
      fn.for(k, 0, D4, 4, [t.set(fn.vsub(fn.vload(at4(px!)), mv.get())), acc.set(fn.vadd(acc.get(), fn.vmul(t.get(), t.get())))]),
      s.set(fn.vsum(acc)),
      fn.for(k, D4, D, 1, [d.set(fn.fsub(fn.loadF32(at4(px!)), mean.get())), s.set(fn.fadd(s.get(), fn.fmul(d.get(), d.get())))]),
      rstd.set(fn.fdiv(fn.f32(1), fn.fsqrt(fn.fadd(fn.fdiv(s.get(), fn.f32(D)), fn.f32(eps))))),
      rv.set(fn.vsplat(rstd.get())),
      fn.for(k, 0, D4, 4, [fn.vstore(at4(py!), yVec())]),
      fn.for(k, D4, D, 1, [fn.storeF32(at4(py!), yOne())]),
      ...statStores,
    ];
  });
}

registerLowering({
  ops: ['LayerNormalization'],
  runTimeDims: true,
  lower(context) {
    const ctx = staticViewIfAny(context);
    if (!ctx) return lowerLayerNormalizationRunTime(context);
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    if (y.dtype !== 'float32') unsupported(ctx, `dtype ${y.dtype}`);
    const p = rowPlan(ctx, x.dims, (axis) => sizeOf(x.dims.slice(0, axis)));
    if (!p) return [];
    const param = (i: number, what: string) => {
      const o = ctx.inputs[i];
      return o ? rowParam(ctx, { name: o.name, shape: o.dims, addr: () => o.addr, constant: o.constant }, p.tail, what) : undefined;
    };
    const stat = (i: number) => (ctx.outputs[i] ? () => ctx.outputs[i]!.addr : undefined);
    return normalizeRows(ctx, p, { x: () => x.addr, y: () => y.addr, mean: stat(1), rstd: stat(2), scale: param(1, 'Scale')!, bias: param(2, 'B') });
  },
});

function lowerLayerNormalizationRunTime(ctx: LowerContext): Expr[] {
  const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
  if (y.dtype !== 'float32') unsupported(ctx, `dtype ${y.dtype}`);
  const p = rowPlan(ctx, x.shape, (axis) => x.count(0, axis));
  if (!p) return [];
  const param = (i: number, what: string) => (ctx.inputs[i] ? rowParam(ctx, ctx.inputs[i], p.tail, what) : undefined);
  const stat = (i: number) => (ctx.outputs[i] ? () => ctx.outputs[i]!.addr() : undefined);
  return normalizeRows(ctx, p, { x: () => x.addr(), y: () => y.addr(), mean: stat(1), rstd: stat(2), scale: param(1, 'Scale')!, bias: param(2, 'B') });
}
