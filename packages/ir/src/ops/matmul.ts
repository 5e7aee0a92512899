// MatMul(A, B, bias?, residual?) with numpy semantics: a 1-D A is a row vector and a 1-D B a column
// vector (the added dim is dropped from the result); leading batch dims broadcast against each
// other. The optional inputs and the activation attributes are a fused epilogue (see epilogue.ts):
// y = activation(A @ B + bias[j] + residual), bias one value per output column, residual of the
// output's shape. Imported MatMuls have no epilogue; the optimizer's fuse-epilogue adds it.
import { Dim } from '../graph.js';
import { InferContext, OpDef, broadcastShapes, expectDType, fail, input, registerOp } from '../op-registry.js';
import { applyEpilogue, readActivation } from './epilogue.js';
import { broadcastDims, broadcastIndexer } from '../reference.js';
import { Tensor, makeTensor, sizeOf } from '../tensor.js';

/** Shapes as matrices: A → [..., M, K], B → [..., K, N], plus which 1-D promotions happened. */
export function matmulShapes<D extends Dim>(a: readonly D[], b: readonly D[]): { a: D[]; b: D[]; vecA: boolean; vecB: boolean } {
  const vecA = a.length === 1, vecB = b.length === 1;
  return {
    a: vecA ? [1 as D, a[0]!] : [...a],
    b: vecB ? [b[0]!, 1 as D] : [...b],
    vecA, vecB,
  };
}

function outputShape(ctx: InferContext): Dim[] {
  const { node } = ctx;
  const ta = input(ctx, 0), tb = input(ctx, 1);
  if (ta.shape.length === 0 || tb.shape.length === 0) fail(node, `inputs must have rank >= 1, got [${ta.shape}] and [${tb.shape}]`);
  const { a, b, vecA, vecB } = matmulShapes(ta.shape, tb.shape);
  const ka = a[a.length - 1]!, kb = b[b.length - 2]!;
  if (typeof ka === 'number' && typeof kb === 'number' && ka !== kb) fail(node, `inner dimensions differ: A [${ta.shape}] has K=${ka}, B [${tb.shape}] has K=${kb}`);
  const batch = broadcastShapes(node, [a.slice(0, -2), b.slice(0, -2)]);
  return [...batch, ...(vecA ? [] : [a[a.length - 2]!]), ...(vecB ? [] : [b[b.length - 1]!])];
}

export function matmulReference(x: Tensor, y: Tensor): Tensor {
  const { a, b, vecA, vecB } = matmulShapes(x.dims, y.dims);
  const M = a[a.length - 2]!, K = a[a.length - 1]!, N = b[b.length - 1]!;
  const aBatch = a.slice(0, -2), bBatch = b.slice(0, -2);
  const batch = broadcastDims([aBatch, bBatch]);
  const ia = broadcastIndexer(aBatch, batch), ib = broadcastIndexer(bBatch, batch);
  const nb = sizeOf(batch);
  const out = makeTensor(x.dtype, [...batch, ...(vecA ? [] : [M]), ...(vecB ? [] : [N])]);
  const A = x.data as Float32Array, B = y.data as Float32Array, C = out.data as Float32Array;
  for (let p = 0; p < nb; p++) {
    const oa = ia(p) * M * K, ob = ib(p) * K * N, oc = p * M * N;
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += A[oa + i * K + k]! * B[ob + k * N + j]!;
      C[oc + i * N + j] = s;
    }
  }
  return out;
}

function checkEpilogue(ctx: InferContext, shape: Dim[]): void {
  const { node } = ctx;
  readActivation(node);
  const bias = ctx.inputs[2], residual = ctx.inputs[3];
  const n = shape[shape.length - 1];
  if (bias && (bias.shape.length !== 1 || (typeof n === 'number' && typeof bias.shape[0] === 'number' && bias.shape[0] !== n))) {
    fail(node, `fused bias (input 2) must be 1-D with one value per output column (${n}), got [${bias.shape}]`);
  }
  if (residual && (residual.shape.length !== shape.length || residual.shape.some((d, i) => typeof d === 'number' && typeof shape[i] === 'number' && d !== shape[i]))) {
    fail(node, `fused residual (input 3) must have the output's shape [${shape}], got [${residual.shape}]`);
  }
  for (const t of [bias, residual]) if (t && t.dtype !== input(ctx, 0).dtype) fail(node, `fused epilogue inputs must be ${input(ctx, 0).dtype}, got ${t.dtype}`, 'DTYPE_MISMATCH');
}

export const matmul: OpDef = {
  name: 'MatMul',
  group: 'linalg',
  description: 'numpy matmul: batched, broadcast batch dims, 1-D operands as vectors; optional fused epilogue',
  infer(ctx) {
    const dtype = expectDType(ctx, 0, ['float32', 'float64']);
    if (input(ctx, 1).dtype !== dtype) fail(ctx.node, `input dtypes differ: ${dtype} and ${input(ctx, 1).dtype}`, 'DTYPE_MISMATCH');
    const shape = outputShape(ctx);
    checkEpilogue(ctx, shape);
    return [{ dtype, shape }];
  },
  evaluate(node, [a, b, bias, residual]) {
    const y = matmulReference(a!, b!);
    if (bias) {
      const Y = y.data as Float32Array, n = bias.data.length;
      for (let i = 0; i < Y.length; i++) Y[i] = Y[i]! + Number(bias.data[i % n]);
    }
    return [applyEpilogue(node, y, residual)];
  },
  flops(ctx, [y]) {
    const ta = ctx.inputs[0]!;
    const k = ta.shape[ta.shape.length - 1];
    const n = sizeOf(y!.shape.filter((d): d is number => typeof d === 'number'));
    return typeof k === 'number' ? 2 * n * k : n;
  },
};

registerOp(matmul);
