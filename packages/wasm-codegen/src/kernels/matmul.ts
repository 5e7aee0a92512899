// MatMul (numpy semantics) on top of the shared register-blocked emitGemm. When B has no batch dims
// of its own, A's batch dims fold into M: one big GEMM over contiguous rows (the common
// "activations × weights" case), cache-blocked when K or N is large. Otherwise a loop over the
// broadcast batch dims runs one GEMM per matrix, each operand advancing by its own batch stride
// (0 where it is broadcast). A fused epilogue (bias per column, residual, activation) is applied
// by the micro-kernel before its stores.
import { broadcastDims, readActivation, sizeOf, stridesOf } from '@onnx2wasm/ir';
import { registerLowering, unsupported } from '../lowering.js';
import { Expr, FnBuilder } from '../wasm-builder.js';
import { GemmSpec, emitGemm } from './gemm-core.js';
import { DEFAULT_BLOCKING, emitBlockedGemm } from './gemm-blocked.js';
import { LoopDim, mergeDims, stridedLoops } from './strided-loops.js';

/** C[i, j] = bias[j] (+ R[i, j]) for a [rows, n] float32 C: four columns at a time, scalar tail. */
function initWithBias(fn: FnBuilder, c: number, bias: number, r: number | undefined, rows: number, n: number): Expr[] {
  const i = fn.local('i32'), j = fn.local('i32');
  const n4 = n - (n % 4);
  const at = () => fn.shl(fn.add(fn.mul(i.get(), n), j.get()), 2);
  const vec = () => (r === undefined ? fn.vload(fn.shl(j.get(), 2), bias) : fn.vadd(fn.vload(fn.shl(j.get(), 2), bias), fn.vload(at(), r)));
  const one = () => (r === undefined ? fn.loadF32(fn.shl(j.get(), 2), bias) : fn.fadd(fn.loadF32(fn.shl(j.get(), 2), bias), fn.loadF32(at(), r)));
  return [fn.for(i, 0, rows, 1, [
    fn.for(j, 0, n4, 4, [fn.vstore(at(), vec(), c)]),
    fn.for(j, n4, n, 1, [fn.storeF32(at(), one(), c)]),
  ])];
}

registerLowering({
  ops: ['MatMul'],
  lower(ctx) {
    const { fn } = ctx;
    const a = ctx.inputs[0]!, b = ctx.inputs[1]!, y = ctx.outputs[0]!;
    if (y.dtype !== 'float32') unsupported(ctx, `dtype ${y.dtype}`);
    const ad = a.dims.length === 1 ? [1, a.dims[0]!] : a.dims;
    const bd = b.dims.length === 1 ? [b.dims[0]!, 1] : b.dims;
    const M = ad[ad.length - 2]!, K = ad[ad.length - 1]!, N = bd[bd.length - 1]!;
    const aBatch = ad.slice(0, -2), bBatch = bd.slice(0, -2);
    if (sizeOf(y.dims) === 0) return [];
    if (K === 0) return [fn.fill(y.addr, 0, sizeOf(y.dims) * 4)];
    const aAddr = a.addr, bAddr = b.addr;
    // Fused epilogue: per-column bias (input 2), residual of the output's shape (input 3), activation.
    const bias = ctx.inputs[2], residual = ctx.inputs[3];
    const act = readActivation(ctx.node);
    const epilogue: Partial<GemmSpec> = {
      ...(bias ? { bias: { addr: bias.addr, per: 'col' as const } } : {}),
      ...(act ? { activation: act, ctx } : {}),
    };

    if (sizeOf(bBatch) === 1) {
      const spec: GemmSpec = {
        M: sizeOf(aBatch) * M, N, K,
        a: () => fn.i(aAddr), aRowStride: K, aKStride: 1,
        b: () => fn.i(bAddr), bKStride: N,
        c: () => fn.i(y.addr), cRowStride: N,
        ...epilogue,
        ...(residual ? { residual: { r: () => fn.i(residual.addr), rRowStride: N } } : {}),
      };
      if (!bias || (K <= DEFAULT_BLOCKING.kc && N <= DEFAULT_BLOCKING.nc)) return bias ? emitGemm(fn, spec) : emitBlockedGemm(fn, spec);
      // The cache-blocked driver cannot offset a per-column bias by its run-time column chunk, so
      // C starts as bias (+ residual) and the product accumulates into it as a residual (R = C).
      const rows = sizeOf(aBatch) * M;
      const init = initWithBias(fn, y.addr, bias.addr, residual?.addr, rows, N);
      return [...init, ...emitBlockedGemm(fn, { ...spec, bias: undefined, residual: { r: () => fn.i(y.addr), rRowStride: N } })];
    }
    const batch = broadcastDims([aBatch, bBatch]);
    const pad = (d: number[]) => [...new Array(batch.length - d.length).fill(1), ...d];
    const pa = pad(aBatch), pb = pad(bBatch);
    const sa = stridesOf(pa), sb = stridesOf(pb), sy = stridesOf(batch);
    const loops: LoopDim[] = batch.map((count, d) => {
      const yStride = sy[d]! * M * N * 4;
      return { count, strides: [pa[d] === 1 ? 0 : sa[d]! * M * K * 4, pb[d] === 1 ? 0 : sb[d]! * K * N * 4, yStride, yStride] };
    });
    return stridedLoops(fn, [aAddr, bAddr, y.addr, residual ? residual.addr : 0], mergeDims(loops), ([pA, pB, pY, pR]) => emitGemm(fn, {
      M, N, K,
      a: pA!, aRowStride: K, aKStride: 1,
      b: pB!, bKStride: N,
      c: pY!, cRowStride: N,
      ...epilogue,
      ...(residual ? { residual: { r: pR!, rRowStride: N } } : {}),
    }));
  },
});
