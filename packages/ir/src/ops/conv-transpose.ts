// ConvTranspose(X, W, B?) {strides, dilations, group, pads_begin, output_shape}: the gradient of
// Conv. X is [N, C, in…], W is [C, M/group, k…], Y is [N, M, output_shape…]. Input position i and
// kernel tap k add x·w to output position i·stride + k·dilation - pads_begin; contributions that
// land outside [0, output_shape) are dropped. The importer resolves ONNX's pads, auto_pad,
// output_padding and output_shape into pads_begin and output_shape (pads_begin may be negative
// when the requested output extends past the natural one at the start).
import { Node } from '../graph.js';
import { OpDef, attrInt, attrInts, expectDType, fail, input, registerOp } from '../op-registry.js';
import { indices } from '../reference.js';
import { makeTensor, sizeOf, stridesOf } from '../tensor.js';

export interface ConvTransposeGeometry {
  strides: number[];
  dilations: number[];
  padsBegin: number[];
  outShape: number[];
  group: number;
}

export function convTransposeGeometry(node: Node, rank: number): ConvTransposeGeometry {
  const g: ConvTransposeGeometry = {
    strides: attrInts(node, 'strides'),
    dilations: attrInts(node, 'dilations'),
    padsBegin: attrInts(node, 'pads_begin'),
    outShape: attrInts(node, 'output_shape'),
    group: attrInt(node, 'group'),
  };
  for (const [name, v] of Object.entries(g)) {
    if (Array.isArray(v) && v.length !== rank) fail(node, `${name} [${v}] must have ${rank} values, one per spatial axis`, 'INVALID_ATTRIBUTE');
  }
  if (g.strides.some((s) => s < 1) || g.dilations.some((d) => d < 1) || g.outShape.some((d) => d < 0)) fail(node, 'strides and dilations must be positive and output_shape non-negative', 'INVALID_ATTRIBUTE');
  return g;
}

export const convTranspose: OpDef = {
  name: 'ConvTranspose',
  group: 'linalg',
  description: 'transposed convolution (strides, dilations, groups, explicit output shape)',
  infer(ctx) {
    const { node } = ctx;
    const dtype = expectDType(ctx, 0, ['float32']);
    expectDType(ctx, 1, ['float32']);
    const x = input(ctx, 0).shape, w = input(ctx, 1).shape;
    if (x.length < 3 || w.length !== x.length) fail(node, `X [${x}] and W [${w}] must have the same rank, at least 3`);
    const g = convTransposeGeometry(node, x.length - 2);
    const C = x[1], Mg = w[1];
    if (typeof C === 'number' && (C % g.group !== 0 || (typeof w[0] === 'number' && w[0] !== C))) fail(node, `W [${w}] does not match ${C} input channels in ${g.group} groups`);
    const M = typeof Mg === 'number' ? Mg * g.group : Mg!;
    const b = ctx.inputs[2];
    if (b && (b.shape.length !== 1 || (typeof b.shape[0] === 'number' && typeof M === 'number' && b.shape[0] !== M))) fail(node, `B [${b.shape}] must have one value per output channel (${M})`);
    return [{ dtype, shape: [x[0]!, M, ...g.outShape] }];
  },
  evaluate(node, [x, w, b]) {
    const rank = x!.dims.length - 2;
    const g = convTransposeGeometry(node, rank);
    const [N, C] = x!.dims as [number, number];
    const Mg = w!.dims[1]!, M = Mg * g.group, Cg = C / g.group;
    const inSp = x!.dims.slice(2), kSp = w!.dims.slice(2);
    const y = makeTensor('float32', [N, M, ...g.outShape]);
    const X = x!.data as Float32Array, W = w!.data as Float32Array, Y = y.data as Float32Array;
    const outStr = stridesOf(g.outShape), outPlane = sizeOf(g.outShape), inPlane = sizeOf(inSp), kPlane = sizeOf(kSp);
    const inStr = stridesOf(inSp), kStr = stridesOf(kSp);
    for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) Y.fill(b ? Number(b.data[m]) : 0, (n * M + m) * outPlane, (n * M + m + 1) * outPlane);
    for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) {
      const grp = Math.floor(c / Cg);
      for (const i of indices(inSp)) {
        const xv = X[(n * C + c) * inPlane + i.reduce((s, v, a) => s + v * inStr[a]!, 0)]!;
        for (const k of indices(kSp)) {
          let o = 0, inside = true;
          for (let a = 0; a < rank; a++) {
            const p = i[a]! * g.strides[a]! + k[a]! * g.dilations[a]! - g.padsBegin[a]!;
            if (p < 0 || p >= g.outShape[a]!) inside = false;
            o += p * outStr[a]!;
          }
          if (!inside) continue;
          const kOff = k.reduce((s, v, a) => s + v * kStr[a]!, 0);
          for (let mg = 0; mg < Mg; mg++) Y[(n * M + grp * Mg + mg) * outPlane + o] += xv * W[(c * Mg + mg) * kPlane + kOff]!;
        }
      }
    }
    return [y];
  },
  flops(ctx) {
    const known = (i: number) => input(ctx, i).shape.filter((d): d is number => typeof d === 'number');
    return 2 * sizeOf(known(0)) * sizeOf(known(1).slice(1));
  },
};

registerOp(convTranspose);
