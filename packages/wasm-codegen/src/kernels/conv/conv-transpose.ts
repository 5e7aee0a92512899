// ConvTranspose, float32, as GEMM + col2im per (image, group):
//   col[(m, k), p] = Σ_c W[c, m, k] · X[c, p]   (the shared GEMM; W read transposed through strides)
//   Y[m, p·stride + k·dilation - pad] += col[(m, k), p]
// The output starts as the bias (or zero). col2im is unrolled over the kernel taps at compile time:
// for each tap the input positions that land inside the output form a static box, walked by
// strided loops that add one col row into the output plane.
import { convTransposeGeometry, indices, sizeOf, stridesOf } from '@onnx2wasm/ir';
import { registerLowering, staticView, unsupported } from '../../lowering.js';
import { Expr } from '../../wasm-builder.js';
import { emitGemm } from '../emit/gemm-core.js';
import { stridedLoops } from '../emit/strided-loops.js';

registerLowering({
  ops: ['ConvTranspose'],
  scratchBytes(_node, [x, w]) {
    return 4 * sizeOf(w!.dims.slice(1)) * sizeOf(x!.dims.slice(2)) + 16;
  },
  lower(context) {
    const ctx = staticView(context);
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!, w = ctx.inputs[1]!, bias = ctx.inputs[2], y = ctx.outputs[0]!;
    if (y.dtype !== 'float32') unsupported(ctx, `dtype ${y.dtype}`);
    if (sizeOf(y.dims) === 0) return [];
    const rank = x.dims.length - 2;
    const g = convTransposeGeometry(node, rank);
    const [N, C] = x.dims as [number, number];
    const Mg = w.dims[1]!, M = Mg * g.group, Cg = C / g.group;
    const inSp = x.dims.slice(2), kSp = w.dims.slice(2);
    const P = sizeOf(inSp), K = sizeOf(kSp), outPlane = sizeOf(g.outShape);
    const inStr = stridesOf(inSp), outStr = stridesOf(g.outShape);
    const col = ctx.scratch;
    const n = fn.local('i32'), grp = fn.local('i32'), m = fn.local('i32'), e = fn.local('i32');
    const outBase = fn.local('i32'), colBase = fn.local('i32'), bv = fn.local('v128');

    const init: Expr[] = [];
    if (!bias) init.push(fn.fill(y.addr, 0, 4 * sizeOf(y.dims)));
    else {
      const plane4 = outPlane - (outPlane % 4);
      init.push(fn.for(n, 0, N, 1, [fn.for(m, 0, M, 1, [
        outBase.set(fn.add(y.addr, fn.mul(fn.add(fn.mul(n.get(), M), m.get()), 4 * outPlane))),
        bv.set(fn.vloadSplat(fn.shl(m.get(), 2), bias.addr)),
        fn.for(e, 0, plane4, 4, [fn.vstore(fn.add(outBase.get(), fn.shl(e.get(), 2)), bv.get())]),
        fn.for(e, plane4, outPlane, 1, [fn.vstoreLane(fn.add(outBase.get(), fn.shl(e.get(), 2)), bv.get(), 0)]),
      ])]));
    }

    // col2im for one output channel: one static box of input positions per kernel tap.
    const scatter: Expr[] = [];
    Array.from(indices(kSp), (k) => [...k]).forEach((k, tap) => {
      const lo: number[] = [], hi: number[] = [];
      for (let a = 0; a < rank; a++) {
        const shift = k[a]! * g.dilations[a]! - g.padsBegin[a]!;
        lo.push(Math.max(0, Math.ceil(-shift / g.strides[a]!)));
        hi.push(Math.min(inSp[a]!, Math.floor((g.outShape[a]! - 1 - shift) / g.strides[a]!) + 1));
      }
      if (lo.some((l, a) => l >= hi[a]!)) return;
      const outStart = lo.reduce((s, l, a) => s + (l * g.strides[a]! + k[a]! * g.dilations[a]! - g.padsBegin[a]!) * outStr[a]!, 0);
      const colStart = tap * P + lo.reduce((s, l, a) => s + l * inStr[a]!, 0);
      const loops = lo.map((l, a) => ({ count: hi[a]! - l, strides: [4 * g.strides[a]! * outStr[a]!, 4 * inStr[a]!] }));
      scatter.push(...stridedLoops(fn, [() => fn.add(outBase.get(), 4 * outStart), () => fn.add(colBase.get(), 4 * colStart)], loops,
        ([po, pc]) => [fn.storeF32(po!(), fn.fadd(fn.loadF32(po!()), fn.loadF32(pc!())))]));
    });

    const perGroup: Expr[] = [
      ...emitGemm(fn, {
        M: Mg * K, N: P, K: Cg,
        a: () => fn.add(w.addr, fn.mul(grp.get(), 4 * Cg * Mg * K)), aRowStride: 1, aKStride: Mg * K,
        b: () => fn.add(x.addr, fn.mul(fn.add(fn.mul(n.get(), C), fn.mul(grp.get(), Cg)), 4 * P)), bKStride: P,
        c: () => fn.i(col), cRowStride: P,
      }),
      fn.for(m, 0, Mg, 1, [
        outBase.set(fn.add(y.addr, fn.mul(fn.add(fn.add(fn.mul(n.get(), M), fn.mul(grp.get(), Mg)), m.get()), 4 * outPlane))),
        colBase.set(fn.add(col, fn.mul(m.get(), 4 * K * P))),
        ...scatter,
      ]),
    ];
    return [...init, fn.for(n, 0, N, 1, [fn.for(grp, 0, g.group, 1, perGroup)])];
  },
});
