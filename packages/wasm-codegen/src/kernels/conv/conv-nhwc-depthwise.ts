// Depthwise NhwcConv (group == C == M) on channels-last data, vectorized across channels: one
// f32x4 is 4 channels of a pixel, so every tap is a plain load at any stride or dilation. The
// weights are repacked at compile time to [kh*kw, C] (channels innermost, rows padded to whole
// vectors) so a tap's 4 weights are one load too. The loop is window-nhwc.ts's (4 neighbouring
// outputs per step sharing input loads; the few border pixels it does one by one read a zero row
// for taps outside the image). Each output vector starts from the bias, takes one multiply-add per
// tap, and the epilogue (residual, activation) runs in registers before the store.
import { Tensor, makeTensor, readActivation } from '@onnx2wasm/ir';
import { StaticContext, StaticOperand, unsupported } from '../../lowering.js';
import { Expr } from '../../wasm-builder.js';
import { emitActivation } from '../emit/activation.js';
import { MAX_NHWC_TAPS, emitNhwcWindow, fillRow, nhwcShape, paddedChannels } from '../emit/window-nhwc.js';
import { emitDepthwiseRows, fitsDepthwiseRows } from './conv-nhwc-depthwise-rows.js';

/** W [C, 1, kh, kw] → [kh*kw, Cp]: row t holds tap t of every channel (zeros past C). */
function packWeights(w: Tensor, C: number, taps: number): Tensor {
  const Cp = paddedChannels(C);
  const src = w.data as Float32Array, out = new Float32Array(taps * Cp);
  for (let c = 0; c < C; c++) for (let t = 0; t < taps; t++) out[t * Cp + c] = src[c * taps + t]!;
  return makeTensor('float32', [taps, Cp], out);
}

export function lowerNhwcDepthwise(ctx: StaticContext, x: StaticOperand, w: StaticOperand, bias: StaticOperand | undefined, residual: StaticOperand | undefined, y: StaticOperand): Expr[] {
  const { fn } = ctx;
  // conv-nhwc.ts has checked the dtypes, the constant weights and the residual's shape.
  const shape = nhwcShape(ctx.node, x.dims, y.dims, w.dims.slice(2));
  if (!shape) unsupported(ctx, `input of rank ${x.dims.length}`);
  const taps = shape.kh * shape.kw;
  if (taps > MAX_NHWC_TAPS) unsupported(ctx, `a ${shape.kh}x${shape.kw} depthwise window`);
  const Cp = paddedChannels(shape.C);
  const weights = ctx.addWeight(packWeights(w.constant!, shape.C, taps));
  const act = readActivation(ctx.node);
  // Whole vectors of channels: the shared row helpers (first-run speed), the zero row in scratch.
  if (fitsDepthwiseRows(shape)) {
    return emitDepthwiseRows(ctx, shape, { x: x.addr, w: weights, y: y.addr, bias: bias?.addr, residual: residual?.addr, zero: ctx.scratch }, act);
  }
  // Span steps load a block's bias and a window row's weights once for all their outputs; border
  // pixels load them per tap.
  const wLocals = Array.from({ length: taps }, () => fn.local('v128'));
  const biasLocal = fn.local('v128');
  // Bias vectors may read up to 3 floats past the bias tensor: memory is padded for vector tails.
  const biasAt = (c4: () => Expr) => fn.vload(c4(), bias!.addr);
  const weightAt = (c4: () => Expr, t: number) => fn.vload(c4(), weights + 4 * Cp * t);
  return emitNhwcWindow(fn, {
    shape, x: x.addr, y: y.addr, fill: fillRow(ctx, shape.C, 0),
    perBlock: (c4) => (bias ? [biasLocal.set(biasAt(c4))] : []),
    perRow: (c4, ky) => wLocals.slice(ky * shape.kw, (ky + 1) * shape.kw).map((l, kx) => l.set(weightAt(c4, ky * shape.kw + kx))),
    tap: (acc, v, t, at) => {
      const wt = at.hoisted ? wLocals[t]!.get() : weightAt(at.c4, t);
      const start = acc ?? (bias ? (at.hoisted ? biasLocal.get() : biasAt(at.c4)) : undefined);
      return start ? fn.accumulate(start, v, wt) : fn.vmul(v, wt);
    },
    finish: (acc, at) => [
      ...(residual ? [acc.set(fn.vadd(acc.get(), fn.vload(at.out(), residual.addr)))] : []),
      ...(act ? [acc.set(emitActivation(ctx, fn, act, () => acc.get()))] : []),
    ],
  });
}
