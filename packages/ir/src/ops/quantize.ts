// QuantizeLinear(x, scale, zero_point?) {axis, block_size, to} and
// DequantizeLinear(x, scale, zero_point?) {axis, block_size}, for 2- to 16-bit integers and the
// float8/float4e2m1 formats:
//   quantize:   y = saturate(round_half_even(x / scale) + zero_point), y of dtype `to` (NaN
//               saturates to the low end, as onnxruntime's kernels clamp before converting); float
//               formats round x / scale + zero_point to nearest even (saturating unless `saturate` is 0)
//   dequantize: y = (x - zero_point) · scale, y of scale's dtype
// scale and zero_point are one value (per tensor), one per index of `axis` (1-D, per axis), or
// blocked: x's shape with dim `axis` divided into blocks of block_size (rounded up).
import { DType, decodeElement, encodeElement } from '../dtype.js';
import { FLOAT_FORMATS, SUB_BYTE_INTS } from '../low-precision.js';
import { Dim, Node } from '../graph.js';
import { InferContext, OpDef, attrInt, attrString, expectDType, fail, input, normalizeAxis, registerOp } from '../op-registry.js';
import { Tensor, makeTensor, sizeOf } from '../tensor.js';
import { hasSaturate } from './cast.js';

export const QUANT_DTYPES: readonly DType[] = [
  'int8', 'uint8', 'int16', 'uint16', 'int4', 'uint4', 'int2', 'uint2',
  'float8e4m3fn', 'float8e4m3fnuz', 'float8e5m2', 'float8e5m2fnuz', 'float4e2m1',
];
const INT_RANGE: Record<string, [number, number]> = { int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], uint16: [0, 65535], int32: [-(2 ** 31), 2 ** 31 - 1], ...SUB_BYTE_INTS };

export function quantRange(dtype: DType): [number, number] { return INT_RANGE[dtype]!; }

/** QuantizeLinear's and DequantizeLinear's attributes (the importer writes all on both). */
export interface QuantizeAttrs {
  /** The scale's axis for per-axis and blocked scales (not yet normalized against the rank). */
  axis: number;
  /** 0: per tensor or per axis; else the block length along `axis`. */
  blockSize: number;
  /** QuantizeLinear's target type; undefined on DequantizeLinear. */
  to: DType | undefined;
  /**
   * QuantizeLinear: whether out-of-range values saturate. Every integer target does; the float8 /
   * float4 targets carry the `saturate` attribute (hasSaturate), read only there. False on DequantizeLinear.
   */
  saturate: boolean;
}

export function quantizeAttrs(node: Node): QuantizeAttrs {
  const to = node.op === 'QuantizeLinear' ? attrString(node, 'to') as DType : undefined;
  return {
    axis: attrInt(node, 'axis'), blockSize: attrInt(node, 'block_size'), to,
    saturate: to !== undefined && (!hasSaturate(to) || attrInt(node, 'saturate') !== 0),
  };
}

/** x viewed as [outer, D, inner] around `axis`; scale element (o, d, i) is at o·so + floor(d / block)·sd + i·si. */
export interface QuantLayout { outer: number; D: number; inner: number; block: number; so: number; sd: number; si: number }

export function quantLayout(node: Node, x: number[], scale: number[]): QuantLayout {
  const { blockSize: block, axis: given } = quantizeAttrs(node);
  // Per tensor: the axis plays no part (and may be out of range for x).
  if (sizeOf(scale) === 1 && block === 0) return { outer: 1, D: sizeOf(x), inner: 1, block: 1, so: 0, sd: 0, si: 0 };
  const axis = normalizeAxis(node, given, x.length);
  const outer = sizeOf(x.slice(0, axis)), D = x[axis]!, inner = sizeOf(x.slice(axis + 1));
  if (block === 0) {
    if (scale.length !== 1 || scale[0] !== D) fail(node, `a per-axis scale must have shape [${D}] (axis ${axis} of [${x}]), got [${scale}]`);
    return { outer, D, inner, block: 1, so: 0, sd: 1, si: 0 };
  }
  const want = x.map((d, a) => (a === axis ? Math.ceil(d / block) : d));
  if (scale.join() !== want.join()) fail(node, `a blocked scale for [${x}] with block_size ${block} along axis ${axis} must have shape [${want}], got [${scale}]`);
  return { outer, D, inner, block, so: want[axis]! * inner, sd: inner, si: 1 };
}

function checkParams(ctx: InferContext, zpDtype: DType): void {
  const { node } = ctx;
  const x = input(ctx, 0).shape, s = input(ctx, 1).shape;
  if ([...x, ...s].every((d) => typeof d === 'number')) quantLayout(node, x as number[], s as number[]);
  const zp = ctx.inputs[2];
  if (zp && zp.shape.join() !== s.join() && !(sizeOf(zp.shape as number[]) === 1 && sizeOf(s as number[]) === 1)) fail(node, `zero_point [${zp.shape}] must have the shape of scale [${s}]`);
  if (zp && zp.dtype !== zpDtype) fail(node, `zero_point has dtype ${zp.dtype}, the quantized values ${zpDtype}`, 'DTYPE_MISMATCH');
}

export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** v clamped to [lo, hi], NaN to lo. */
export function saturateTo(v: number, lo: number, hi: number): number {
  return Number.isNaN(v) ? lo : Math.min(hi, Math.max(lo, v));
}

/** Applies `f(x, scale, zero_point)` element by element with the layout's parameter indexing. */
function mapQuant(node: Node, x: Tensor, scale: Tensor, zp: Tensor | undefined, out: Tensor, f: (v: number, s: number, z: number) => number): Tensor {
  const L = quantLayout(node, x.dims, scale.dims);
  const num = (t: Tensor, i: number) => decodeElement(t.dtype, Number(t.data[i]));
  let k = 0;
  for (let o = 0; o < L.outer; o++) for (let d = 0; d < L.D; d++) for (let i = 0; i < L.inner; i++, k++) {
    const p = o * L.so + Math.floor(d / L.block) * L.sd + i * L.si;
    (out.data as Float32Array)[k] = f(num(x, k), num(scale, p), zp ? num(zp, p) : 0);
  }
  return out;
}

export const quantizeLinear: OpDef = {
  name: 'QuantizeLinear',
  group: 'elementwise',
  description: 'saturate(round(x / scale) + zero_point) into a 2- to 16-bit integer or float8/float4 type',
  infer(ctx) {
    expectDType(ctx, 0, ['float32']);
    expectDType(ctx, 1, ['float32']);
    const to = quantizeAttrs(ctx.node).to!;
    if (!QUANT_DTYPES.includes(to)) fail(ctx.node, `quantizing to ${to} is not supported (${QUANT_DTYPES.join(', ')})`, 'DTYPE_MISMATCH');
    checkParams(ctx, to);
    return [{ dtype: to, shape: [...input(ctx, 0).shape] as Dim[] }];
  },
  evaluate(node, [x, scale, zp]) {
    const { to, saturate } = quantizeAttrs(node) as { to: DType; saturate: boolean };
    if (FLOAT_FORMATS[to]) {
      return [mapQuant(node, x!, scale!, zp, makeTensor(to, [...x!.dims]), (v, s, z) => encodeElement(to, Math.fround(Math.fround(v / s) + z), saturate))];
    }
    const [lo, hi] = quantRange(to);
    return [mapQuant(node, x!, scale!, zp, makeTensor(to, [...x!.dims]), (v, s, z) => saturateTo(roundHalfEven(Math.fround(v / s)) + z, lo, hi))];
  },
};

export const dequantizeLinear: OpDef = {
  name: 'DequantizeLinear',
  group: 'elementwise',
  description: '(x - zero_point) · scale from a quantized integer or float8/float4 type',
  infer(ctx) {
    expectDType(ctx, 0, [...QUANT_DTYPES, 'int32']);
    expectDType(ctx, 1, ['float32']);
    checkParams(ctx, input(ctx, 0).dtype);
    return [{ dtype: 'float32', shape: [...input(ctx, 0).shape] }];
  },
  evaluate(node, [x, scale, zp]) {
    return [mapQuant(node, x!, scale!, zp, makeTensor('float32', [...x!.dims]), (v, s, z) => (v - z) * s)];
  },
};

registerOp(quantizeLinear);
registerOp(dequantizeLinear);
