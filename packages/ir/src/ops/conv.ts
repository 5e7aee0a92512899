// Conv: N-D grouped convolution over NC... layout with explicit pads (the importer resolves
// auto_pad). Y[n, m, o...] = B[m] + sum over c in m's group and taps k of X[n, c, o*s - pb + k*d] * W[m, c', k],
// optionally followed by a fused epilogue (residual input 3, then an activation; see epilogue.ts).
import { applyEpilogue, readActivation } from './epilogue.js';
import { Dim, Node } from '../graph.js';
import { OpDef, attrInt, attrInts, broadcastShapes, expectDType, fail, input, registerOp } from '../op-registry.js';
import { indices } from '../reference.js';
import { makeTensor, sizeOf, stridesOf } from '../tensor.js';
import { WindowAttrs, outputLength, outputSpatial, readGeometry, tapPosition, windowAttrs } from './spatial.js';

/** Conv's and NhwcConv's attributes. */
export interface ConvAttrs extends WindowAttrs {
  kernelShape: number[];
  group: number;
  /**
   * The compiler's Winograd choice, not an ONNX attribute: 'off' when the compile forbids it (no
   * filters transformed at load), 'on' when a thread split fixed it for every part, else 'auto'.
   */
  winograd: 'auto' | 'on' | 'off';
}

export function convAttrs(node: Node): ConvAttrs {
  const group = attrInt(node, 'group');
  if (!Number.isInteger(group) || group < 1) fail(node, `group = ${group} must be a positive integer`, 'INVALID_ATTRIBUTE');
  const w = node.attrs.winograd;
  const winograd = w === undefined ? 'auto' : attrInt(node, 'winograd') === 0 ? 'off' : 'on';
  return { ...windowAttrs(node), kernelShape: attrInts(node, 'kernel_shape'), group, winograd };
}

function known(d: Dim | undefined): d is number { return typeof d === 'number'; }

export const conv: OpDef = {
  name: 'Conv',
  group: 'linalg',
  description: 'grouped N-D convolution (NCHW) with strides, explicit pads, dilations, optional bias and fused epilogue',
  infer(ctx) {
    const { node } = ctx;
    const dtype = expectDType(ctx, 0, ['float32', 'float64']);
    const x = input(ctx, 0).shape, w = input(ctx, 1).shape;
    if (input(ctx, 1).dtype !== dtype) fail(node, `weights have dtype ${input(ctx, 1).dtype}; expected ${dtype}`, 'DTYPE_MISMATCH');
    if (x.length < 3) fail(node, `input X has rank ${x.length} (shape [${x}]); expected N, C and at least one spatial axis`);
    if (w.length !== x.length) fail(node, `weights W have rank ${w.length}; expected ${x.length} like X`);
    const rank = x.length - 2;
    const wSpatial = w.slice(2);
    const { kernelShape: kernel, group } = convAttrs(node);
    kernel.forEach((k, a) => {
      if (known(wSpatial[a]) && k !== wSpatial[a]) fail(node, `kernel_shape [${kernel}] disagrees with the weights' spatial shape [${wSpatial}]`, 'INVALID_ATTRIBUTE');
    });
    const geo = readGeometry(node, rank, kernel);
    const [c, m, wc] = [x[1], w[0], w[1]];
    if (known(c) && c % group !== 0) fail(node, `input channels ${c} are not divisible by group ${group}`);
    if (known(m) && m % group !== 0) fail(node, `output channels ${m} are not divisible by group ${group}`);
    if (known(c) && known(wc) && wc * group !== c) fail(node, `weights take ${wc} channels per group; X has ${c} channels in ${group} groups`);
    const b = ctx.inputs[2];
    if (b && (b.shape.length !== 1 || (known(b.shape[0]) && known(m) && b.shape[0] !== m))) fail(node, `bias B has shape [${b.shape}]; expected [${m}]`);
    const shape = [x[0]!, m!, ...outputSpatial(node, geo, x.slice(2))];
    const residual = ctx.inputs[3];
    if (residual) broadcastShapes(node, [residual.shape, shape]);
    readActivation(node);
    return [{ dtype, shape }];
  },
  evaluate(node, [x, w, b, residual]) {
    const rank = x!.dims.length - 2;
    const geo = readGeometry(node, rank, w!.dims.slice(2));
    const { group } = convAttrs(node);
    const [N, C] = x!.dims as [number, number];
    const M = w!.dims[0]!, Cg = C / group, Mg = M / group;
    const inSp = x!.dims.slice(2), outSp = inSp.map((d, a) => outputLength(node, geo, a, d));
    const y = makeTensor(x!.dtype, [N, M, ...outSp]);
    const X = x!.data as Float32Array, W = w!.data as Float32Array, Y = y.data as Float32Array;
    const inStr = stridesOf(inSp), taps = sizeOf(geo.kernel), kStr = stridesOf(geo.kernel);
    let yi = 0;
    for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) {
      const g = Math.floor(m / Mg);
      for (const o of indices(outSp)) {
        let s = b ? Number(b.data[m]) : 0;
        for (let cg = 0; cg < Cg; cg++) {
          const xBase = (n * C + g * Cg + cg) * sizeOf(inSp);
          const wBase = (m * Cg + cg) * taps;
          for (let t = 0; t < taps; t++) {
            let xi = 0, inside = true;
            for (let a = 0; a < rank; a++) {
              const p = tapPosition(geo, a, o[a]!, Math.floor(t / kStr[a]!) % geo.kernel[a]!);
              if (p < 0 || p >= inSp[a]!) { inside = false; break; }
              xi += p * inStr[a]!;
            }
            if (inside) s += X[xBase + xi]! * W[wBase + t]!;
          }
        }
        Y[yi++] = s;
      }
    }
    return [applyEpilogue(node, y, residual)];
  },
  flops(ctx, [y]) {
    const w = ctx.inputs[1]!.shape as number[];
    return 2 * sizeOf(y!.shape as number[]) * sizeOf(w.slice(1));
  },
};

registerOp(conv);
