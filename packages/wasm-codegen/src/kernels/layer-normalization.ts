// LayerNormalization over rows of D = prod(dims[axis:]) floats: a vectorized sum for the mean, a
// second pass for the variance (two passes: no cancellation from E[x²] - E[x]²), then
// y = (x - mean) * rstd * scale + bias four lanes at a time. A constant Scale/B that broadcasts is
// expanded to D values at compile time; a run-time one must already have D elements.
import { Tensor, attrFloat, attrInt, broadcastIndexer, makeTensor, normalizeAxis, sizeOf } from '@onnx2wasm/ir';
import { LowerContext, Operand, registerLowering, unsupported } from '../lowering.js';
import { Expr } from '../wasm-builder.js';
import { stridedLoops } from './strided-loops.js';

function expanded(t: Tensor, tail: number[]): Tensor {
  const out = makeTensor('float32', [sizeOf(tail)]);
  const idx = broadcastIndexer(t.dims, tail);
  for (let i = 0; i < out.data.length; i++) (out.data as Float32Array)[i] = Number(t.data[idx(i)]);
  return out;
}

/** Address of D contiguous values of Scale or B. */
function rowParam(ctx: LowerContext, p: Operand, tail: number[], what: string): number {
  if (sizeOf(p.dims) === sizeOf(tail)) return p.addr;
  if (!p.constant) unsupported(ctx, `a run-time ${what} of shape [${p.dims}] that must broadcast to [${tail}]`);
  return ctx.addWeight(expanded(p.constant, tail), `layernorm:${p.name}:${tail}`);
}

registerLowering({
  ops: ['LayerNormalization'],
  lower(ctx) {
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    if (y.dtype !== 'float32') unsupported(ctx, `dtype ${y.dtype}`);
    const axis = normalizeAxis(node, attrInt(node, 'axis', -1), x.dims.length);
    const eps = attrFloat(node, 'epsilon', 1e-5);
    const tail = x.dims.slice(axis);
    const rows = sizeOf(x.dims.slice(0, axis)), D = sizeOf(tail);
    if (rows === 0 || D === 0) return [];
    const scale = rowParam(ctx, ctx.inputs[1]!, tail, 'Scale');
    const bias = ctx.inputs[2] ? rowParam(ctx, ctx.inputs[2], tail, 'B') : undefined;
    const stats = [ctx.outputs[1], ctx.outputs[2]];
    const D4 = D - (D % 4);
    const k = fn.local('i32'), acc = fn.local('v128'), t = fn.local('v128'), mv = fn.local('v128'), rv = fn.local('v128');
    const mean = fn.local('f32'), s = fn.local('f32'), d = fn.local('f32'), rstd = fn.local('f32');
    const bases = [x.addr, y.addr, ...stats.filter((o) => o).map((o) => o!.addr)];
    const strides = [D * 4, D * 4, ...stats.filter((o) => o).map(() => 4)];
    return stridedLoops(fn, bases, [{ count: rows, strides }], ([px, py, ...pstats]) => {
      const at = (p: () => Expr) => fn.add(p(), fn.shl(k.get(), 2));
      const param = (addr: number) => fn.vload(fn.shl(k.get(), 2), addr);
      const paramOne = (addr: number) => fn.loadF32(fn.shl(k.get(), 2), addr);
      const yVec = () => {
        const v = fn.vmul(fn.vmul(fn.vsub(fn.vload(at(px!)), mv.get()), rv.get()), param(scale));
        return bias !== undefined ? fn.vadd(v, param(bias)) : v;
      };
      const yOne = () => {
        const v = fn.fmul(fn.fmul(fn.fsub(fn.loadF32(at(px!)), mean.get()), rstd.get()), paramOne(scale));
        return bias !== undefined ? fn.fadd(v, paramOne(bias)) : v;
      };
      let statIdx = 0;
      const statStores = stats.map((o, i) => (o ? fn.storeF32(pstats[statIdx++]!(), i === 0 ? mean.get() : rstd.get()) : undefined)).filter((e) => e !== undefined);
      return [
        acc.set(fn.vzero()),
        fn.for(k, 0, D4, 4, [acc.set(fn.vadd(acc.get(), fn.vload(at(px!))))]),
        s.set(fn.vsum(acc)),
        fn.for(k, D4, D, 1, [s.set(fn.fadd(s.get(), fn.loadF32(at(px!))))]),
        mean.set(fn.fdiv(s.get(), fn.f32(D))),
        mv.set(fn.vsplat(mean.get())),
        acc.set(fn.vzero()),
        fn.for(k, 0, D4, 4, [t.set(fn.vsub(fn.vload(at(px!)), mv.get())), acc.set(fn.vadd(acc.get(), fn.vmul(t.get(), t.get())))]),
        s.set(fn.vsum(acc)),
        fn.for(k, D4, D, 1, [d.set(fn.fsub(fn.loadF32(at(px!)), mean.get())), s.set(fn.fadd(s.get(), fn.fmul(d.get(), d.get())))]),
        rstd.set(fn.fdiv(fn.f32(1), fn.fsqrt(fn.fadd(fn.fdiv(s.get(), fn.f32(D)), fn.f32(eps))))),
        rv.set(fn.vsplat(rstd.get())),
        fn.for(k, 0, D4, 4, [fn.vstore(at(py!), yVec())]),
        fn.for(k, D4, D, 1, [fn.storeF32(at(py!), yOne())]),
        ...statStores,
      ];
    });
  },
});
