// Cast(x) {to}: converts element types. `to` is an IR dtype name (the importer maps ONNX's codes).
// Floats to integers truncate toward zero; NaN, ±Inf and values out of int32 (int64) range give
// INT_MIN (INT64_MIN), onnxruntime's x86 result (ONNX leaves them undefined), and narrower targets
// wrap that (issue #19: folding and the kernels agree with onnxruntime); anything to bool is x != 0 (NaN is true). Low-precision targets round
// to nearest even (float8e8m0 by `round_mode`): float8 saturates unless `saturate` is 0; int4/int2 wrap like the wider integers.
import { DType, DTYPE_BYTES, ENCODED_FLOATS, FLOAT_DTYPES, decodeElement, encodeElement, isBigInt } from '../dtype.js';
import { E8m0Rounding, FLOAT_FORMATS } from '../low-precision.js';
import { OpDef, attrInt, attrString, fail, input, registerOp } from '../op-registry.js';
import { Tensor, makeTensor } from '../tensor.js';

const CASTABLE = Object.keys(DTYPE_BYTES).filter((d) => d !== 'string') as DType[];

/**
 * Whether a store to `to` has an overflow rule that Cast's and QuantizeLinear's `saturate` picks
 * (the float8/float4 formats and float8e8m0). Only nodes with such a target carry `saturate`.
 */
export const hasSaturate = (to: DType): boolean => to in FLOAT_FORMATS || to === 'float8e8m0';

/** Cast's `saturate` (opset 19), an attribute of the casts to `hasSaturate` types only: other stores never saturate or overflow by it, and take any value. */
export function castSaturate(node: Parameters<typeof attrString>[0]): boolean {
  return !hasSaturate(castTarget(node)) || attrInt(node, 'saturate') !== 0;
}

/** Cast-24's round_mode, an attribute of the casts to float8e8m0 only (no other store rounds by it: any value does). */
export function castRounding(node: Parameters<typeof attrString>[0]): E8m0Rounding {
  if (castTarget(node) !== 'float8e8m0') return 'up';
  const mode = attrString(node, 'round_mode');
  if (mode !== 'up' && mode !== 'down' && mode !== 'nearest') fail(node, `round_mode '${mode}' is not one of up, down, nearest`, 'INVALID_ATTRIBUTE');
  return mode as E8m0Rounding;
}

export function castTarget(node: Parameters<typeof attrString>[0]): DType {
  const to = attrString(node, 'to');
  if (!CASTABLE.includes(to as DType)) fail(node, `cannot cast to '${to}'; supported: ${CASTABLE.join(', ')}`, 'INVALID_ATTRIBUTE');
  return to as DType;
}

/** Element i of t as a number, or as a bigint for 64-bit integers (exact). */
function read(t: Tensor, i: number): number | bigint {
  const v = t.data[i]!;
  return typeof v === 'bigint' ? v : decodeElement(t.dtype, v);
}

/** Low-precision targets (bfloat16, float8, float4, int4/int2), written by encodeElement. */
const ENCODED: readonly DType[] = [...ENCODED_FLOATS, 'int4', 'uint4', 'int2', 'uint2'];

export function castTensor(x: Tensor, to: DType, saturate = true, roundMode: E8m0Rounding = 'up'): Tensor {
  const out = makeTensor(to, [...x.dims]);
  const n = x.data.length;
  const fromFloat = FLOAT_DTYPES.includes(x.dtype) || ENCODED_FLOATS.includes(x.dtype);
  for (let i = 0; i < n; i++) {
    const v = read(x, i);
    if (to === 'bool') (out.data as Uint8Array)[i] = typeof v === 'bigint' ? Number(v !== 0n) : Number(v !== 0);
    else if (ENCODED.includes(to)) (out.data as Uint16Array)[i] = encodeElement(to, Number(v), saturate, roundMode);
    else if (isBigInt(to)) {
      const indefinite = typeof v === 'number' && fromFloat && to === 'int64' && !(v >= -(2 ** 63) && v < 2 ** 63);
      const b = typeof v === 'bigint' ? v : indefinite ? -(2n ** 63n) : BigInt(Number.isFinite(v) ? Math.trunc(v) : 0);
      (out.data as BigInt64Array)[i] = to === 'int64' ? BigInt.asIntN(64, b) : BigInt.asUintN(64, b);
    } else if (to === 'float32' || to === 'float64') (out.data as Float32Array)[i] = Number(v);
    else {
      // Narrow integers: typed-array assignment wraps modulo 2^bits after truncation.
      const indefinite = typeof v === 'number' && fromFloat && to !== 'uint32' && !(v >= -(2 ** 31) && v < 2 ** 31);
      const num = typeof v === 'bigint' ? Number(BigInt.asIntN(32, v)) : indefinite ? -(2 ** 31) : Math.trunc(v);
      (out.data as Int32Array)[i] = Number.isFinite(num) ? num : 0;
    }
  }
  return out;
}

export const cast: OpDef = {
  name: 'Cast',
  group: 'elementwise',
  description: 'convert the element type',
  infer(ctx) {
    const x = input(ctx, 0);
    if (x.dtype === 'string') fail(ctx.node, 'string tensors are not supported', 'DTYPE_MISMATCH');
    return [{ dtype: castTarget(ctx.node), shape: [...x.shape] }];
  },
  evaluate(node, [x]) {
    return [castTensor(x!, castTarget(node), castSaturate(node), castRounding(node))];
  },
};

registerOp(cast);
