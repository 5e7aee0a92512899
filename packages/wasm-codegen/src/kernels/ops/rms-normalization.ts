// RMSNormalization over rows of D = prod(dims[axis:]) floats: a vectorized sum of squares, then
// y = x * (1 / sqrt(ss / D + epsilon)) * scale four lanes at a time. A constant Scale that
// broadcasts is expanded to D values at compile time; a run-time one must already have D elements.
// With run-time dims the row count is read at run time; D must stay static.
import { rmsNormalizationAttrs, sizeOf } from '@onnx2wasm/ir';
import { KernelHost, LowerContext, registerLowering, staticViewIfAny, unsupported } from '../../lowering.js';
import { Expr, I32 } from '../../wasm-builder.js';
import { at } from '../emit/dynamic-util.js';
import { stridedLoops } from '../emit/strided-loops.js';
import { RowPlan, rowParam, rowPlan } from './layer-normalization.js';

function rmsRows(ctx: KernelHost, p: RowPlan, x: () => I32, y: () => I32, scale: () => I32): Expr[] {
  const { fn, node } = ctx;
  const { D } = p;
  const eps = rmsNormalizationAttrs(node).epsilon;
  const D4 = D - (D % 4);
  const k = fn.local('i32'), acc = fn.local('v128'), rv = fn.local('v128'), ss = fn.local('f32'), v = fn.local('f32'), inv = fn.local('f32');
  return stridedLoops(fn, [x, y], [{ count: p.rows, strides: [D * 4, D * 4] }], ([px, py]) => {
    const at4 = (q: () => Expr) => fn.add(q(), fn.shl(k.get(), 2));
    const s = (): [Expr, number] => at(fn, scale(), fn.shl(k.get(), 2));
    return [
      acc.set(fn.vzero()),
      fn.for(k, 0, D4, 4, [rv.set(fn.vload(at4(px!))), acc.set(fn.vadd(acc.get(), fn.vmul(rv.get(), rv.get())))]),
      ss.set(fn.vsum(acc)),
      fn.for(k, D4, D, 1, [v.set(fn.loadF32(at4(px!))), ss.set(fn.fadd(ss.get(), fn.fmul(v.get(), v.get())))]),
      inv.set(fn.fdiv(fn.f32(1), fn.fsqrt(fn.fadd(fn.fdiv(ss.get(), fn.f32(D)), fn.f32(eps))))),
      rv.set(fn.vsplat(inv.get())),
      fn.for(k, 0, D4, 4, [fn.vstore(at4(py!), fn.vmul(fn.vmul(fn.vload(at4(px!)), rv.get()), fn.vload(...s())))]),
      fn.for(k, D4, D, 1, [fn.storeF32(at4(py!), fn.fmul(fn.fmul(fn.loadF32(at4(px!)), inv.get()), fn.loadF32(...s())))]),
    ];
  });
}

registerLowering({
  ops: ['RMSNormalization'],
  runTimeDims: true,
  lower(context) {
    const ctx = staticViewIfAny(context);
    if (!ctx) return lowerRMSNormalizationRunTime(context);
    const x = ctx.inputs[0]!, scale = ctx.inputs[1]!, y = ctx.outputs[0]!;
    if (y.dtype !== 'float32') unsupported(ctx, `dtype ${y.dtype}`);
    const p = rowPlan(ctx, x.dims, (axis) => sizeOf(x.dims.slice(0, axis)));
    if (!p) return [];
    const s = rowParam(ctx, { name: scale.name, shape: scale.dims, addr: () => scale.addr, constant: scale.constant }, p.tail, 'Scale');
    return rmsRows(ctx, p, () => x.addr, () => y.addr, s);
  },
});

function lowerRMSNormalizationRunTime(ctx: LowerContext): Expr[] {
  const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
  if (y.dtype !== 'float32') unsupported(ctx, `dtype ${y.dtype}`);
  const p = rowPlan(ctx, x.shape, (axis) => x.count(0, axis));
  if (!p) return [];
  return rmsRows(ctx, p, () => x.addr(), () => y.addr(), rowParam(ctx, ctx.inputs[1]!, p.tail, 'Scale'));
}
