// ScaledMatMulInteger(a, b, scale, a_zero_point?, b_zero_point?, bias?): MatMulInteger's exact int32
// sums turned into float32 in its epilogue, what onnxruntime's MatMulIntegerToFloat computes:
//   y[..., m, n] = float32(float32(acc[..., m, n]) · scale[n]) + bias[n]     (each step in float32)
// with `scale` one value or one per column (a run-time value: the activation scale of
// DynamicQuantizeLinear times the weights' scale) and `bias` a float32 vector of N. The optimizer
// (lower-qdq's rule `integer-matmul-to-float`) writes it for MatMulInteger → Cast → Mul [→ Add],
// the form onnxruntime's quantize_dynamic emits, so the sums never go through memory as int32.
import { OpDef, expectDType, fail, input, registerOp } from '../op-registry.js';
import { sizeOf } from '../tensor.js';
import { matMulInteger } from './matmul-integer.js';

export const scaledMatMulInteger: OpDef = {
  name: 'ScaledMatMulInteger',
  group: 'linalg',
  description: 'integer matmul of 8-bit operands (exact int32 sums) scaled to float32 per column, plus a bias',
  infer(ctx) {
    const { node } = ctx;
    const [acc] = matMulInteger.infer({ ...ctx, inputs: [ctx.inputs[0], ctx.inputs[1], ctx.inputs[3], ctx.inputs[4]], values: [] });
    const N = input(ctx, 1).shape[1];
    expectDType(ctx, 2, ['float32']);
    const s = sizeOf(input(ctx, 2).shape as number[]);
    if (input(ctx, 2).shape.length > 1 || (s !== 1 && s !== N)) fail(node, `scale must be one value or ${String(N)}; got shape [${input(ctx, 2).shape}]`);
    if (ctx.inputs[5]) {
      expectDType(ctx, 5, ['float32']);
      if (input(ctx, 5).shape.length !== 1 || input(ctx, 5).shape[0] !== N) fail(node, `bias must have shape [${String(N)}]; got [${input(ctx, 5).shape}]`);
    }
    return [{ dtype: 'float32', shape: acc!.shape }];
  },
  evaluate(node, [a, b, scale, za, zb, bias]) {
    const [acc] = matMulInteger.evaluate(node, [a, b, za, zb]);
    const N = b!.dims[1]!;
    const S = scale!.data as Float32Array, B = bias?.data as Float32Array | undefined;
    const A = acc!.data as Int32Array;
    const y = new Float32Array(A.length);
    for (let i = 0; i < A.length; i++) {
      const n = i % N;
      const v = Math.fround(Math.fround(A[i]!) * S[S.length === 1 ? 0 : n]!);
      y[i] = B ? Math.fround(v + B[n]!) : v;
    }
    return [{ dtype: 'float32', dims: [...acc!.dims], data: y }];
  },
  flops(ctx, [y]) {
    return 2 * sizeOf(y!.shape as number[]) * Number(input(ctx, 1).shape[0]);
  },
};

registerOp(scaledMatMulInteger);
