// QLinearMatMul(a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point, bias?):
// the quantized matmul with onnxruntime's requantization (MlasRequantizeOutput), as QLinearConv:
//   acc = sum over k of (a[..., m, k] - za)(b[k, n] - zb[n]) + bias[n]        exact, in int32
//   y   = saturate(round_half_even(float32(acc) · M[n]) + zy),  M[n] = float32(float32(sa · sb[n]) / sy)
// b is 2-D, its scale and zero point per tensor or per column. This IR op is what lower-qdq writes
// for a QDQ MatMul / Gemm (and QGemm, imported in QDQ form) whose sums fit int32, so the integer
// matmul kernel (wasm-codegen kernels/int8/matmul-integer.ts) reads and writes 8-bit values. (The
// ONNX QLinearMatMul's import keeps the spec's float64 rescale: integer-matmul.ts.)
import { DType } from '../dtype.js';
import { OpDef, expectDType, fail, input, registerOp } from '../op-registry.js';
import { makeTensor, sizeOf } from '../tensor.js';
import { matMulInteger } from './matmul-integer.js';
import { requantize, requantizeMultiplier } from './qlinear-conv.js';

const EIGHT_BIT: readonly DType[] = ['int8', 'uint8'];

export const qlinearMatMul: OpDef = {
  name: 'QLinearMatMul',
  group: 'linalg',
  description: 'quantized matmul (b 2-D): exact int32 sums of 8-bit values, requantized as onnxruntime does',
  infer(ctx) {
    const { node } = ctx;
    const [acc] = matMulInteger.infer({ ...ctx, inputs: [ctx.inputs[0], ctx.inputs[3], ctx.inputs[2], ctx.inputs[5]], values: [] });
    const yType = expectDType(ctx, 7, EIGHT_BIT);
    for (const i of [1, 4, 6]) expectDType(ctx, i, ['float32']);
    const N = input(ctx, 3).shape[1];
    const sb = sizeOf(input(ctx, 4).shape as number[]);
    if (sizeOf(input(ctx, 1).shape as number[]) !== 1 || sizeOf(input(ctx, 6).shape as number[]) !== 1) fail(node, 'a_scale and y_scale must hold one value');
    if (sb !== 1 && sb !== N) fail(node, `b_scale must hold 1 or ${String(N)} values; got shape [${input(ctx, 4).shape}]`);
    if (ctx.inputs[8]) {
      expectDType(ctx, 8, ['int32']);
      if (sizeOf(input(ctx, 8).shape as number[]) !== N) fail(node, `bias must hold ${String(N)} values; got shape [${input(ctx, 8).shape}]`);
    }
    return [{ dtype: yType, shape: acc!.shape }];
  },
  evaluate(node, [a, sa, za, b, sb, zb, sy, zy, bias]) {
    const [acc] = matMulInteger.evaluate(node, [a, b, za, zb]);
    const N = b!.dims[1]!;
    const yType = zy!.dtype;
    const mult = Array.from({ length: N }, (_, n) => requantizeMultiplier(Number(sa!.data[0]), Number(sb!.data[sb!.data.length === 1 ? 0 : n]), Number(sy!.data[0])));
    const A = acc!.data as Int32Array;
    const y = makeTensor(yType, [...acc!.dims]);
    const Y = y.data as Int8Array | Uint8Array;
    for (let i = 0; i < A.length; i++) {
      const n = i % N;
      Y[i] = requantize((A[i]! + (bias ? Number(bias.data[n]) : 0)) | 0, mult[n]!, Number(zy!.data[0]), yType);
    }
    return [y];
  },
  flops(ctx, [y]) {
    return 2 * sizeOf(y!.shape as number[]) * Number(input(ctx, 3).shape[0]);
  },
};

registerOp(qlinearMatMul);
