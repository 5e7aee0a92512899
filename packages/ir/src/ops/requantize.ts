// Requantize(x, x_scale, x_zero_point, y_scale, y_zero_point): 8-bit values moved from one per-tensor
// quantization to another, exactly as DequantizeLinear then QuantizeLinear compute it in float32:
//   y = saturate(round_half_even(float32(float32(x - zx) · sx) / sy) + zy)
// The optimizer writes it where a QDQ graph re-quantizes between two 8-bit ops (the inputs of a
// Concat whose parts have their own scales, as onnxruntime's QLinearConcat does with a lookup
// table of the same float steps), so the activations stay bytes with no float32 round trip.
import { DType } from '../dtype.js';
import { OpDef, expectDType, fail, input, registerOp } from '../op-registry.js';
import { makeTensor, sizeOf } from '../tensor.js';
import { quantRange, roundHalfEven, saturateTo } from './quantize.js';

const EIGHT_BIT: readonly DType[] = ['int8', 'uint8'];

/** One element: the DequantizeLinear then QuantizeLinear float32 steps. */
export function requantizeElement(x: number, sx: number, zx: number, sy: number, zy: number, dtype: DType): number {
  const [lo, hi] = quantRange(dtype);
  return saturateTo(roundHalfEven(Math.fround(Math.fround(Math.fround(x - zx) * sx) / sy)) + zy, lo, hi);
}

export const requantizeOp: OpDef = {
  name: 'Requantize',
  group: 'misc',
  description: '8-bit values to another per-tensor scale and zero point, as DequantizeLinear then QuantizeLinear compute it',
  infer(ctx) {
    const xType = expectDType(ctx, 0, EIGHT_BIT);
    expectDType(ctx, 1, ['float32']);
    expectDType(ctx, 3, ['float32']);
    const yType = expectDType(ctx, 4, EIGHT_BIT);
    if (input(ctx, 2).dtype !== xType) fail(ctx.node, `x_zero_point has dtype ${input(ctx, 2).dtype}, x ${xType}`, 'DTYPE_MISMATCH');
    for (const i of [1, 2, 3, 4]) {
      const s = input(ctx, i).shape;
      if (!s.every((d) => d === 1)) fail(ctx.node, `input ${i} must hold one value (per-tensor quantization); got shape [${s}]`);
    }
    return [{ dtype: yType, shape: [...input(ctx, 0).shape] }];
  },
  evaluate(_node, [x, sx, zx, sy, zy]) {
    const y = makeTensor(zy!.dtype, [...x!.dims]);
    const X = x!.data, Y = y.data as Int8Array | Uint8Array;
    const [s1, z1, s2, z2] = [sx, zx, sy, zy].map((t) => Number(t!.data[0]));
    for (let i = 0; i < sizeOf(x!.dims); i++) Y[i] = requantizeElement(Number(X[i]), s1!, z1!, s2!, z2!, zy!.dtype);
    return [y];
  },
};

registerOp(requantizeOp);
