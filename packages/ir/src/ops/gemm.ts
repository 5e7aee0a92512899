// Gemm: Y = alpha * op(A) @ op(B) + beta * C, with C broadcast to [M, N]; optionally fused with an
// epilogue (residual input 3 and an activation, see epilogue.ts).
import { Node } from '../graph.js';
import { OpDef, attrFloat, attrInt, broadcastShapes, expectDType, expectRank, fail, registerOp } from '../op-registry.js';
import { mapElementwise } from '../reference.js';
import { Tensor, makeTensor } from '../tensor.js';
import { applyEpilogue, readActivation } from './epilogue.js';

export interface GemmAttrs { transA: boolean; transB: boolean; alpha: number; beta: number }

export function gemmAttrs(node: Node): GemmAttrs {
  return { transA: attrInt(node, 'transA') !== 0, transB: attrInt(node, 'transB') !== 0, alpha: attrFloat(node, 'alpha'), beta: attrFloat(node, 'beta') };
}

function gemmReference(node: Node, a: Tensor, b: Tensor, c: Tensor | undefined): Tensor {
  const { transA: ta, transB: tb, alpha, beta } = gemmAttrs(node);
  const M = ta ? a.dims[1]! : a.dims[0]!, K = ta ? a.dims[0]! : a.dims[1]!;
  const N = tb ? b.dims[0]! : b.dims[1]!;
  const out = makeTensor(a.dtype, [M, N]);
  const A = a.data as Float32Array, B = b.data as Float32Array, Y = out.data as Float32Array;
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += A[ta ? k * M + i : i * K + k]! * B[tb ? j * K + k : k * N + j]!;
    Y[i * N + j] = alpha * s;
  }
  if (!c || beta === 0) return out;
  return mapElementwise([out, c], out.dtype, (y, cv) => y + beta * cv);
}

export const gemm: OpDef = {
  name: 'Gemm',
  group: 'linalg',
  description: 'alpha * op(A) @ op(B) + beta * C (op = optional transpose), with an optional fused epilogue',
  infer(ctx) {
    const { node } = ctx;
    const dtype = expectDType(ctx, 0, ['float32', 'float64']);
    const a = expectRank(ctx, 0, 2), b = expectRank(ctx, 1, 2);
    const { transA: ta, transB: tb } = gemmAttrs(node);
    const [m, ka] = ta ? [a[1]!, a[0]!] : [a[0]!, a[1]!];
    const [kb, n] = tb ? [b[1]!, b[0]!] : [b[0]!, b[1]!];
    if (typeof ka === 'number' && typeof kb === 'number' && ka !== kb) fail(node, `inner dimensions differ: A gives K=${ka}, B gives K=${kb}`);
    for (const i of [2, 3]) {
      const t = ctx.inputs[i];
      if (t) broadcastShapes(node, [t.shape, [m, n]]);
    }
    readActivation(node);
    return [{ dtype, shape: [m, n] }];
  },
  evaluate(node, [a, b, c, residual]) {
    return [applyEpilogue(node, gemmReference(node, a!, b!, c), residual)];
  },
  flops(ctx, [y]) {
    const [m, n] = y!.shape as number[];
    const k = ctx.inputs[0]!.shape[gemmAttrs(ctx.node).transA ? 0 : 1] as number;
    return 2 * m! * n! * k;
  },
};

registerOp(gemm);
