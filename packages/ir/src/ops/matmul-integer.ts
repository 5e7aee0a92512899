// MatMulInteger(a, b, a_zero_point?, b_zero_point?): ONNX's integer matmul over 8-bit operands,
//   y[..., m, n] = sum over k of (a[..., m, k] - za) · (b[k, n] - zb[n])      exact, in int32
// with a per-tensor zero point for a and a per-tensor or per-column (length N) one for b. The
// importer writes it when b is a 2-D constant (the weights of onnxruntime's quantize_dynamic), so
// the integer kernel (wasm-codegen kernels/int8/matmul-integer.ts) can pack b at compile time; any
// other MatMulInteger expands into exact float sums at import.
import { DType } from '../dtype.js';
import { OpDef, expectDType, fail, input, registerOp } from '../op-registry.js';
import { makeTensor, sizeOf } from '../tensor.js';

const EIGHT_BIT: readonly DType[] = ['int8', 'uint8'];

export const matMulInteger: OpDef = {
  name: 'MatMulInteger',
  group: 'linalg',
  description: 'integer matmul of 8-bit operands with zero points, exact int32 sums (b 2-D)',
  infer(ctx) {
    const { node } = ctx;
    const aType = expectDType(ctx, 0, EIGHT_BIT);
    const bType = expectDType(ctx, 1, EIGHT_BIT);
    const a = input(ctx, 0).shape, b = input(ctx, 1).shape;
    if (a.length < 2 || b.length !== 2) fail(node, `MatMulInteger takes a of rank ≥ 2 and a 2-D b; got a [${a}], b [${b}]`);
    if (typeof a.at(-1) === 'number' && typeof b[0] === 'number' && a.at(-1) !== b[0]) fail(node, `a has ${String(a.at(-1))} columns, b ${b[0]} rows`, 'SHAPE_MISMATCH');
    if (ctx.inputs[2]) {
      if (input(ctx, 2).dtype !== aType) fail(node, `a_zero_point has dtype ${input(ctx, 2).dtype}, a ${aType}`, 'DTYPE_MISMATCH');
      if (sizeOf(input(ctx, 2).shape as number[]) !== 1) fail(node, `a_zero_point must hold one value; got shape [${input(ctx, 2).shape}]`);
    }
    if (ctx.inputs[3]) {
      if (input(ctx, 3).dtype !== bType) fail(node, `b_zero_point has dtype ${input(ctx, 3).dtype}, b ${bType}`, 'DTYPE_MISMATCH');
      const n = sizeOf(input(ctx, 3).shape as number[]);
      if (n !== 1 && n !== b[1]) fail(node, `b_zero_point must hold 1 or ${String(b[1])} values; got shape [${input(ctx, 3).shape}]`);
    }
    return [{ dtype: 'int32', shape: [...a.slice(0, -1), b[1]!] }];
  },
  evaluate(_node, [a, b, za, zb]) {
    const K = b!.dims[0]!, N = b!.dims[1]!;
    const rows = sizeOf(a!.dims) / K;
    const y = makeTensor('int32', [...a!.dims.slice(0, -1), N]);
    const A = a!.data, B = b!.data, Y = y.data as Int32Array;
    const az = za ? Number(za.data[0]) : 0;
    const bz = (n: number) => (zb ? Number(zb.data[zb.data.length === 1 ? 0 : n]) : 0);
    for (let m = 0; m < rows; m++) for (let n = 0; n < N; n++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc += (Number(A[m * K + k]) - az) * (Number(B[k * N + n]) - bz(n));
      Y[m * N + n] = acc | 0;
    }
    return [y];
  },
  flops(ctx, [y]) {
    return 2 * sizeOf(y!.shape as number[]) * Number(input(ctx, 1).shape[0]);
  },
};

registerOp(matMulInteger);
