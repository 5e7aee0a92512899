// QLinearConv(x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B?): the
// ONNX quantized 2-D convolution (group 1 or depthwise), with onnxruntime's requantization (MlasRequantizeOutput):
//   acc = sum (x - zx)(w - zw) + B          exact, in int32
//   y   = saturate(round_half_even(float32(acc) * M) + zy),  M = float32(float32(sx * sw[m]) / sy)
// The importer writes the QOperator QLinearConv in QDQ form; this IR op is what the optimizer's
// lower-qdq pass turns a quantized group-1 or depthwise 2-D Conv into when the integer kernel
// (wasm-codegen kernels/int8) can run it, so the 8-bit activations go from op to op as bytes.
import { DType } from '../dtype.js';
import { OpDef, attrInt, expectDType, fail, input, registerOp } from '../op-registry.js';
import { makeTensor, sizeOf } from '../tensor.js';
import { WindowAttrs, outputLength, outputSpatial, readGeometry, tapPosition, windowAttrs } from './spatial.js';
import { quantRange } from './quantize.js';
import { Node } from '../graph.js';

const EIGHT_BIT: readonly DType[] = ['int8', 'uint8'];

/** QLinearConv's attributes: the window and the group (its kernel sizes come from the weights). */
export interface QLinearConvAttrs extends WindowAttrs {
  group: number;
  /**
   * The compiler's Winograd choice, not an ONNX attribute (as Conv's): 'off' when the compile
   * forbids filters transformed at load (the lean kernels), 'on' to take it wherever the geometry
   * allows (tests), else 'auto'.
   */
  winograd: 'auto' | 'on' | 'off';
}

export function qlinearConvAttrs(node: Node): QLinearConvAttrs {
  const winograd = node.attrs.winograd === undefined ? 'auto' : attrInt(node, 'winograd') === 0 ? 'off' : 'on';
  return { ...windowAttrs(node), group: attrInt(node, 'group'), winograd };
}

/** The combined requantization multiplier of output channel m, rounded to float32 at each step as onnxruntime does. */
export function requantizeMultiplier(xScale: number, wScale: number, yScale: number): number {
  return Math.fround(Math.fround(Math.fround(xScale) * Math.fround(wScale)) / Math.fround(yScale));
}

/** saturate(round_half_even(float32(acc) * m) + zp) into `dtype`. */
export function requantize(acc: number, m: number, zp: number, dtype: DType): number {
  const v = Math.fround(Math.fround(acc) * m);
  let r = Math.round(v);
  if (Math.abs(v % 1) === 0.5 && r % 2 !== 0) r -= 1;
  const [lo, hi] = quantRange(dtype);
  return Math.min(hi, Math.max(lo, r + zp));
}

export const qlinearConv: OpDef = {
  name: 'QLinearConv',
  group: 'linalg',
  description: 'quantized 2-D convolution: exact int32 sums of 8-bit values, requantized as onnxruntime does',
  infer(ctx) {
    const { node } = ctx;
    expectDType(ctx, 0, EIGHT_BIT);
    expectDType(ctx, 3, EIGHT_BIT);
    const yType = expectDType(ctx, 7, EIGHT_BIT);
    for (const i of [1, 4, 6]) expectDType(ctx, i, ['float32']);
    if (input(ctx, 2).dtype !== input(ctx, 0).dtype) fail(node, `x_zero_point has dtype ${input(ctx, 2).dtype}, x ${input(ctx, 0).dtype}`, 'DTYPE_MISMATCH');
    if (input(ctx, 5).dtype !== input(ctx, 3).dtype) fail(node, `w_zero_point has dtype ${input(ctx, 5).dtype}, w ${input(ctx, 3).dtype}`, 'DTYPE_MISMATCH');
    if (ctx.inputs[8]) expectDType(ctx, 8, ['int32']);
    const x = input(ctx, 0).shape, w = input(ctx, 3).shape;
    if (x.length !== 4 || w.length !== 4) fail(node, `QLinearConv takes 2-D convolutions (rank-4 x and w); got x [${x}], w [${w}]`);
    const { group } = qlinearConvAttrs(node);
    if (group !== 1 && !(group === x[1] && group === w[0] && w[1] === 1)) fail(node, `group = ${group}: only group 1 and depthwise (group = input = output channels) are supported`, 'UNSUPPORTED_OP');
    if (typeof x[1] === 'number' && typeof w[1] === 'number' && x[1] !== w[1] * group) fail(node, `weights take ${w[1]} input channels per group of ${group}; x has ${x[1]}`);
    const kernel = w.slice(2).map((d) => (typeof d === 'number' ? d : 0));
    const geo = readGeometry(node, 2, kernel);
    return [{ dtype: yType, shape: [x[0]!, w[0]!, ...outputSpatial(node, geo, x.slice(2))] }];
  },
  evaluate(node, [x, sx, zx, w, sw, zw, sy, zy, b]) {
    const [N, C, H, W] = x!.dims as [number, number, number, number];
    const [M, Cg, KH, KW] = w!.dims as [number, number, number, number];
    const Mg = M / (C / Cg);
    const geo = readGeometry(node, 2, [KH, KW]);
    const OH = outputLength(node, geo, 0, H), OW = outputLength(node, geo, 1, W);
    const yType = zy!.dtype;
    const y = makeTensor(yType, [N, M, OH, OW]);
    const X = x!.data, Wd = w!.data, Y = y.data as Int8Array | Uint8Array;
    const xz = Number(zx!.data[0]), yz = Number(zy!.data[0]);
    const perChannel = sizeOf(sw!.dims) !== 1;
    let k = 0;
    for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) {
      const wz = Number(zw!.data[perChannel ? m : 0]);
      const mult = requantizeMultiplier(Number(sx!.data[0]), Number(sw!.data[perChannel ? m : 0]), Number(sy!.data[0]));
      for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) {
        let acc = b ? Number(b.data[m]) : 0;
        for (let cg = 0; cg < Cg; cg++) for (let ky = 0; ky < KH; ky++) for (let kx = 0; kx < KW; kx++) {
          const iy = tapPosition(geo, 0, oy, ky), ix = tapPosition(geo, 1, ox, kx);
          if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
          const c = Math.floor(m / Mg) * Cg + cg;
          acc += (Number(X[((n * C + c) * H + iy) * W + ix]) - xz) * (Number(Wd[((m * Cg + cg) * KH + ky) * KW + kx]) - wz);
        }
        Y[k++] = requantize(acc | 0, mult, yz, yType);
      }
    }
    return [y];
  },
  flops(ctx, [y]) {
    return 2 * sizeOf(y!.shape as number[]) * sizeOf(input(ctx, 3).shape.slice(1) as number[]);
  },
};

registerOp(qlinearConv);
