// MatMul (numpy semantics) on top of the shared register-blocked emitGemm. When B has no batch dims
// of its own, A's batch dims fold into M: one big GEMM over contiguous rows (the common
// "activations × weights" case), cache-blocked when K or N is large. Otherwise a loop over the
// broadcast batch dims runs one GEMM per matrix, each operand advancing by its own batch stride
// (0 where it is broadcast).
import { broadcastDims, sizeOf, stridesOf } from '@onnx2wasm/ir';
import { registerLowering, unsupported } from '../lowering.js';
import { emitGemm } from './gemm-core.js';
import { emitBlockedGemm } from './gemm-blocked.js';
import { LoopDim, mergeDims, stridedLoops } from './strided-loops.js';

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

    if (sizeOf(bBatch) === 1) {
      return emitBlockedGemm(fn, {
        M: sizeOf(aBatch) * M, N, K,
        a: () => fn.i(aAddr), aRowStride: K, aKStride: 1,
        b: () => fn.i(bAddr), bKStride: N,
        c: () => fn.i(y.addr), cRowStride: N,
      });
    }
    const batch = broadcastDims([aBatch, bBatch]);
    const pad = (d: number[]) => [...new Array(batch.length - d.length).fill(1), ...d];
    const pa = pad(aBatch), pb = pad(bBatch);
    const sa = stridesOf(pa), sb = stridesOf(pb), sy = stridesOf(batch);
    const loops: LoopDim[] = batch.map((count, d) => ({
      count,
      strides: [pa[d] === 1 ? 0 : sa[d]! * M * K * 4, pb[d] === 1 ? 0 : sb[d]! * K * N * 4, sy[d]! * M * N * 4],
    }));
    return stridedLoops(fn, [aAddr, bAddr, y.addr], mergeDims(loops), ([pA, pB, pY]) => emitGemm(fn, {
      M, N, K,
      a: pA!, aRowStride: K, aKStride: 1,
      b: pB!, bKStride: N,
      c: pY!, cRowStride: N,
    }));
  },
});
