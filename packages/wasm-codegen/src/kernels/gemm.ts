// Gemm: alpha * op(A) @ op(B) + beta * C. A constant transposed B is repacked to [K, N] at compile
// time; a constant C is pre-scaled by beta and becomes the kernel's bias or residual.
import { Tensor, attrFloat, attrInt, makeTensor, readActivation } from '@onnx2wasm/ir';
import { registerLowering, unsupported } from '../lowering.js';
import { GemmSpec, emitGemm } from './gemm-core.js';
import { transpose2d } from './transpose-weights.js';

function scaled(t: Tensor, beta: number, dims: number[]): Tensor {
  const out = makeTensor('float32', dims);
  const src = t.data as Float32Array;
  const n = out.data.length;
  for (let i = 0; i < n; i++) (out.data as Float32Array)[i] = beta * src[src.length === n ? i : i % src.length]!;
  return out;
}

registerLowering({
  ops: ['Gemm'],
  lower(ctx) {
    const { node, fn } = ctx;
    const [a, b, c, residual] = ctx.inputs;
    const y = ctx.outputs[0]!;
    if (y.dtype !== 'float32') unsupported(ctx, `dtype ${y.dtype}`);
    const transA = attrInt(node, 'transA', 0), transB = attrInt(node, 'transB', 0);
    const alpha = attrFloat(node, 'alpha', 1), beta = attrFloat(node, 'beta', 1);
    const [M, N] = y.dims as [number, number];
    const K = transA ? a!.dims[0]! : a!.dims[1]!;
    let bAddr: number, bKStride: number;
    if (transB) {
      if (!b!.constant) unsupported(ctx, 'transB=1 with a run-time B');
      bAddr = ctx.addWeight(transpose2d(b!.constant), `gemmB:${b!.name}`);
      bKStride = N;
    } else {
      bAddr = b!.addr;
      bKStride = N;
    }
    const spec: GemmSpec = {
      M, N, K,
      a: () => fn.i(a!.addr), aRowStride: transA ? 1 : K, aKStride: transA ? M : 1,
      b: () => fn.i(bAddr), bKStride,
      c: () => fn.i(y.addr), cRowStride: N,
      alpha,
    };
    if (c && beta !== 0) {
      const cd = c.dims;
      const rowVector = cd.length === 0 || cd[cd.length - 1] === N && cd.slice(0, -1).every((d) => d === 1) || (cd.every((d) => d === 1));
      const colVector = cd.length === 2 && cd[0] === M && cd[1] === 1 && M !== 1;
      if (c.constant) {
        if (colVector) spec.bias = { addr: ctx.addWeight(scaled(c.constant, beta, [M]), `gemmC:${c.name}:${beta}`), per: 'row' };
        else if (rowVector) spec.bias = { addr: ctx.addWeight(scaled(c.constant, beta, [N]), `gemmC:${c.name}:${beta}`), per: 'col' };
        else {
          const addr = ctx.addWeight(scaled(c.constant, beta, [M, N]), `gemmC:${c.name}:${beta}`);
          spec.residual = { r: () => fn.i(addr), rRowStride: N };
        }
      } else if (beta === 1 && cd.length === 2 && cd[0] === M && cd[1] === N) {
        spec.residual = { r: () => fn.i(c.addr), rRowStride: N };
      } else {
        unsupported(ctx, `a run-time C of shape [${cd}] with beta=${beta}`);
      }
    }
    if (residual) {
      if (spec.residual) {
        unsupported(ctx, 'a fused residual together with a full-matrix C');
      }
      if (residual.dims.length !== 2 || residual.dims[0] !== M || residual.dims[1] !== N) unsupported(ctx, `a fused residual of shape [${residual.dims}]`);
      spec.residual = { r: () => fn.i(residual.addr), rRowStride: N };
    }
    const act = readActivation(node);
    if (act) {
      spec.activation = act;
      spec.ctx = ctx;
    }
    return emitGemm(fn, spec);
  },
});
