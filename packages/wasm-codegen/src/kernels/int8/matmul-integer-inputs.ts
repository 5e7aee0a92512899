// Where MatMulInteger, ScaledMatMulInteger and QLinearMatMul keep their inputs, and the
// compile-time parts both integer matmul kernels (matmul-integer.ts, gemv-integer.ts) read from them.
import { requantizeMultiplier } from '@onnx2wasm/ir';
import { StaticContext, constantInput } from '../../lowering.js';

/**
 * Input positions: MatMulInteger(a, b, za, zb), ScaledMatMulInteger(a, b, scale, za, zb, bias),
 * QLinearMatMul(a, sa, za, b, sb, zb, sy, zy, bias).
 */
export function slots(op: string): { b: number; za: number; zb: number; scale?: number; bias?: number; requantize?: boolean } {
  if (op === 'QLinearMatMul') return { b: 3, za: 2, zb: 5, bias: 8, requantize: true };
  return op === 'ScaledMatMulInteger' ? { b: 1, scale: 2, za: 3, zb: 4, bias: 5 } : { b: 1, za: 2, zb: 3 };
}

export function weightZeroPoints(ctx: StaticContext): number[] | undefined {
  const i = slots(ctx.node.op).zb;
  if (!ctx.inputs[i]) return undefined;
  const z = Array.from(constantInput(ctx, i, 'b_zero_point').data as ArrayLike<number>, Number);
  return z.some((v) => v !== 0) ? z : undefined;
}

/**
 * QLinearMatMul's compile-time requantization: per-column multipliers, the int32 bias (both
 * `length` long, zero past N, so kernels may read whole vectors past the last column), zy.
 */
export function requantization(ctx: StaticContext, N: number, length = N + 1): { mult: number; bias?: number; zy: number; signedOut: boolean } {
  const sa = Number(constantInput(ctx, 1, 'a_scale').data[0]), sy = Number(constantInput(ctx, 6, 'y_scale').data[0]);
  const sb = constantInput(ctx, 4, 'b_scale').data;
  const mult = new Float32Array(length);
  for (let n = 0; n < N; n++) mult[n] = requantizeMultiplier(sa, Number(sb[sb.length === 1 ? 0 : n]), sy);
  let bias: number | undefined;
  if (ctx.inputs[8]) {
    const b = new Int32Array(length);
    b.set(Int32Array.from(constantInput(ctx, 8, 'the bias').data as ArrayLike<number>, Number));
    bias = ctx.addWeight(new Uint8Array(b.buffer));
  }
  const zy = Number(constantInput(ctx, 7, 'y_zero_point').data[0]);
  return { mult: ctx.addWeight(new Uint8Array(mult.buffer)), bias, zy, signedOut: ctx.outputs[0]!.dtype === 'int8' };
}
