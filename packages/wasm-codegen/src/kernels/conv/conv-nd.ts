// Conv over 3 or more spatial axes (float32): the scalar N-D window loop (window-nd.ts) with the
// group's input channels summed inside each tap, then the fused epilogue (residual, activation;
// the vector activation is applied to a splat of the sum and lane 0 kept).
import { convAttrs, readActivation } from '@onnx2wasm/ir';
import { StaticContext, StaticOperand } from '../../lowering.js';
import { Expr } from '../../wasm-builder.js';
import { emitActivation } from '../emit/activation.js';
import { emitNdWindow, ndGeometry, planeSizes } from '../emit/window-nd.js';

export function lowerConvNd(ctx: StaticContext, x: StaticOperand, w: StaticOperand, bias: StaticOperand | undefined, residual: StaticOperand | undefined, y: StaticOperand): Expr[] {
  const { fn, node } = ctx;
  const act = readActivation(node);
  const g = ndGeometry(node, x.dims, y.dims, w.dims.slice(2));
  const { planeIn, taps } = planeSizes(g);
  const { group } = convAttrs(node);
  const [N, C] = x.dims as [number, number];
  const M = y.dims[1]!, Cg = C / group, Mg = M / group;
  const n = fn.local('i32'), m = fn.local('i32'), cg = fn.local('i32'), oi = fn.local('i32');
  const xBase = fn.local('i32'), wBase = fn.local('i32'), acc = fn.local('f32');
  const window = emitNdWindow(fn, g, oi, {
    begin: () => [acc.set(bias ? fn.loadF32(fn.shl(m.get(), 2), bias.addr) : fn.constOf('f32', 0))],
    tap: (at) => [fn.if(at.inside.get(), [fn.for(cg, 0, Cg, 1, [
      acc.set(fn.fadd(acc.get(), fn.fmul(
        fn.loadF32(fn.shl(fn.add(fn.add(xBase.get(), fn.mul(cg.get(), planeIn)), at.xi.get()), 2), x.addr),
        fn.loadF32(fn.shl(fn.add(fn.add(wBase.get(), fn.mul(cg.get(), taps)), at.t.get()), 2), w.addr),
      ))),
    ])])],
    end: () => [
      ...(residual ? [acc.set(fn.fadd(acc.get(), fn.loadF32(fn.shl(oi.get(), 2), residual.addr)))] : []),
      ...(act ? [acc.set(fn.vextract(emitActivation(ctx, fn, act, () => fn.vsplat(acc.get())), 0))] : []),
      fn.storeF32(fn.shl(oi.get(), 2), acc.get(), y.addr),
    ],
  });
  return [oi.set(fn.i(0)), fn.for(n, 0, N, 1, [fn.for(m, 0, M, 1, [
    // First input plane of m's group in image n, and m's weights.
    xBase.set(fn.mul(fn.add(fn.mul(n.get(), C), fn.mul(fn.divU(m.get(), Mg), Cg)), planeIn)),
    wBase.set(fn.mul(m.get(), Cg * taps)),
    ...window,
  ])])];
}
