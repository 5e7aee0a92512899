// QuantizeLinear / DequantizeLinear over x viewed as [outer, D, inner]: one scalar loop nest with
// the scale / zero_point index o·so + floor(d / block)·sd + i·si (strides 0 on broadcast parts).
// Quantizing rounds x / scale half to even (f32.nearest), adds the zero point and saturates.
import { quantLayout, quantRange } from '@onnx2wasm/ir';
import { registerLowering, unsupported } from '../lowering.js';
import { Expr } from '../wasm-builder.js';
import { scalarType } from './scalar-types.js';

registerLowering({
  ops: ['QuantizeLinear', 'DequantizeLinear'],
  lower(ctx) {
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!, scale = ctx.inputs[1]!, zp = ctx.inputs[2], y = ctx.outputs[0]!;
    const quantize = node.op === 'QuantizeLinear';
    const xt = scalarType(x.dtype), yt = scalarType(y.dtype), zt = zp ? scalarType(zp.dtype) : undefined;
    if (!xt || !yt || (zp && !zt)) unsupported(ctx, `dtypes ${x.dtype} → ${y.dtype}`);
    const L = quantLayout(node, x.dims, scale.dims);
    const o = fn.local('i32'), d = fn.local('i32'), i = fn.local('i32'), k = fn.local('i32'), p = fn.local('i32');
    const s = fn.local('f32'), z = fn.local('f32'), v = fn.local('f32');
    const blockIndex = L.block === 1 ? d.get() : fn.divU(d.get(), L.block);
    const element: Expr[] = [
      p.set(fn.add(fn.add(fn.mul(o.get(), L.so), fn.mul(blockIndex, L.sd)), fn.mul(i.get(), L.si))),
      s.set(fn.loadF32(fn.shl(p.get(), 2), scale.addr)),
      z.set(zp ? fn.f32FromI32(zt!.load(ctx, fn.mul(p.get(), zt!.bytes), zp.addr)) : fn.f32(0)),
    ];
    const xAt = fn.mul(k.get(), xt!.bytes), yAt = () => fn.mul(k.get(), yt!.bytes);
    if (quantize) {
      const [lo, hi] = quantRange(y.dtype);
      element.push(
        v.set(fn.fadd(fn.num('f32', 'nearest', fn.fdiv(xt!.load(ctx, xAt, x.addr), s.get())), z.get())),
        yt!.store(ctx, yAt(), fn.i32FromF32(fn.fmax(fn.fmin(v.get(), fn.f32(hi)), fn.f32(lo))), y.addr),
      );
    } else {
      element.push(yt!.store(ctx, yAt(), fn.fmul(fn.fsub(fn.f32FromI32(xt!.load(ctx, xAt, x.addr)), z.get()), s.get()), y.addr));
    }
    element.push(k.set(fn.add(k.get(), 1)));
    return [k.set(fn.i(0)), fn.for(o, 0, L.outer, 1, [fn.for(d, 0, L.D, 1, [fn.for(i, 0, L.inner, 1, element)])])];
  },
});
