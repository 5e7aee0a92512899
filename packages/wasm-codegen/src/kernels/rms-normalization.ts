// RMSNormalization over rows of D = prod(dims[axis:]) floats: a vectorized sum of squares, then
// y = x * (1 / sqrt(ss / D + epsilon)) * scale four lanes at a time. A constant Scale that
// broadcasts is expanded to D values at compile time; a run-time one must already have D elements.
import { Tensor, attrFloat, attrInt, broadcastIndexer, makeTensor, normalizeAxis, sizeOf } from '@onnx2wasm/ir';
import { registerLowering, unsupported } from '../lowering.js';
import { Expr } from '../wasm-builder.js';
import { stridedLoops } from './strided-loops.js';

function expanded(t: Tensor, tail: number[]): Tensor {
  const out = makeTensor('float32', [sizeOf(tail)]);
  const idx = broadcastIndexer(t.dims, tail);
  for (let i = 0; i < out.data.length; i++) (out.data as Float32Array)[i] = Number(t.data[idx(i)]);
  return out;
}

registerLowering({
  ops: ['RMSNormalization'],
  lower(ctx) {
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!, scale = ctx.inputs[1]!, y = ctx.outputs[0]!;
    if (y.dtype !== 'float32') unsupported(ctx, `dtype ${y.dtype}`);
    const axis = normalizeAxis(node, attrInt(node, 'axis', -1), x.dims.length);
    const eps = attrFloat(node, 'epsilon', 1e-5);
    const tail = x.dims.slice(axis);
    const rows = sizeOf(x.dims.slice(0, axis)), D = sizeOf(tail);
    if (rows === 0 || D === 0) return [];
    let s = scale.addr;
    if (sizeOf(scale.dims) !== D) {
      if (!scale.constant) unsupported(ctx, `a run-time Scale of shape [${scale.dims}] that must broadcast to [${tail}]`);
      s = ctx.addWeight(expanded(scale.constant, tail), `rmsnorm:${scale.name}:${tail}`);
    }
    const D4 = D - (D % 4);
    const k = fn.local('i32'), acc = fn.local('v128'), rv = fn.local('v128'), ss = fn.local('f32'), v = fn.local('f32'), inv = fn.local('f32');
    return stridedLoops(fn, [x.addr, y.addr], [{ count: rows, strides: [D * 4, D * 4] }], ([px, py]) => {
      const at = (p: () => Expr) => fn.add(p(), fn.shl(k.get(), 2));
      return [
        acc.set(fn.vzero()),
        fn.for(k, 0, D4, 4, [rv.set(fn.vload(at(px!))), acc.set(fn.vadd(acc.get(), fn.vmul(rv.get(), rv.get())))]),
        ss.set(fn.vsum(acc)),
        fn.for(k, D4, D, 1, [v.set(fn.loadF32(at(px!))), ss.set(fn.fadd(ss.get(), fn.fmul(v.get(), v.get())))]),
        inv.set(fn.fdiv(fn.f32(1), fn.fsqrt(fn.fadd(fn.fdiv(ss.get(), fn.f32(D)), fn.f32(eps))))),
        rv.set(fn.vsplat(inv.get())),
        fn.for(k, 0, D4, 4, [fn.vstore(at(py!), fn.vmul(fn.vmul(fn.vload(at(px!)), rv.get()), fn.vload(fn.shl(k.get(), 2), s)))]),
        fn.for(k, D4, D, 1, [fn.storeF32(at(py!), fn.fmul(fn.fmul(fn.loadF32(at(px!)), inv.get()), fn.loadF32(fn.shl(k.get(), 2), s)))]),
      ];
    });
  },
});
