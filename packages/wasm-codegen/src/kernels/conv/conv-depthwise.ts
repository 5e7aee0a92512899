// Depthwise Conv (group == C == M: one filter per channel). Strides 1 and 2 without dilation take
// the direct loop of window-direct.ts (input read in place, several output rows per pass); other
// geometries the padded-copy loop of window-core.ts. Either way the channel's taps are splatted
// into locals once per plane, each output vector starts from the bias and takes one fma per tap,
// and the epilogue (residual, activation) runs in registers before the store.
import { readActivation } from '@onnx2wasm/ir';
import { StaticContext, StaticOperand } from '../../lowering.js';
import { Expr, Local } from '../../wasm-builder.js';
import { emitActivation } from '../emit/activation.js';
import { PlaneShape, emitWindowKernel } from '../emit/window-core.js';
import { emitDirectWindowKernel, fitsDirectWindow } from '../emit/window-direct.js';

/** Taps kept in v128 locals; larger kernels splat each weight from memory at its use. */
const TAPS_IN_LOCALS = 49;

/** Interior output rows per pass of the direct kernel, by row stride (measured: 3 beats 2 and ties 4 at stride 1). */
const ROWS: Record<number, number> = { 1: 3, 2: 2 };

export function lowerDepthwiseConv(ctx: StaticContext, shape: PlaneShape, x: StaticOperand, w: StaticOperand, bias: StaticOperand | undefined, residual: StaticOperand | undefined, y: StaticOperand): Expr[] {
  if (fitsDirectWindow(shape)) return lowerDirect(ctx, shape, x, w, bias, residual, y);
  return lowerWindowed(ctx, shape, x, w, bias, residual, y);
}

function lowerDirect(ctx: StaticContext, s: PlaneShape, x: StaticOperand, w: StaticOperand, bias: StaticOperand | undefined, residual: StaticOperand | undefined, y: StaticOperand): Expr[] {
  const { fn } = ctx;
  const [N, C] = x.dims as [number, number];
  const taps = s.kh * s.kw;
  const act = readActivation(ctx.node);
  const weights = Array.from({ length: taps }, () => fn.local('v128'));
  const chan = fn.local('i32');
  return emitDirectWindowKernel(fn, {
    shape: s, N, C, x: x.addr, y: y.addr, fill: 0, rowsPerPass: ROWS[s.sh]!,
    perPlane: (c) => [chan.set(c.get()), ...weights.map((l, t) => l.set(fn.vloadSplat(fn.mul(c.get(), 4 * taps), w.addr + 4 * t)))],
    begin: (_, acc) => [acc.set(bias ? fn.vloadSplat(fn.shl(chan.get(), 2), bias.addr) : fn.vconst(0))],
    tap: (_, acc, v, ky, kx) => [acc.set(fn.fma(v(), weights[ky * s.kw + kx]!.get(), acc.get()))],
    finish: (_, acc, at) => [
      ...(residual ? [acc.set(fn.vadd(acc.get(), fn.vload(at.byte(), residual.addr + at.off)))] : []),
      ...(act ? [acc.set(emitActivation(ctx, fn, act, () => acc.get()))] : []),
    ],
  });
}

/** Other geometries: the padded-copy sliding-window loop, taps in locals, the same epilogue. */
function lowerWindowed(ctx: StaticContext, shape: PlaneShape, x: StaticOperand, w: StaticOperand, bias: StaticOperand | undefined, residual: StaticOperand | undefined, y: StaticOperand): Expr[] {
  const { fn } = ctx;
  const [N, C] = x.dims as [number, number];
  const taps = shape.kh * shape.kw;
  const inLocals = taps <= TAPS_IN_LOCALS;
  const weights: Local[] = inLocals ? Array.from({ length: taps }, () => fn.local('v128')) : [];
  const biasV = fn.local('v128');
  const chan = fn.local('i32');
  const act = readActivation(ctx.node);
  const weight = (t: number) => (inLocals ? weights[t]!.get() : fn.vloadSplat(fn.mul(chan.get(), 4 * taps), w.addr + 4 * t));
  return emitWindowKernel(fn, {
    shape, N, C, x: x.addr, y: y.addr, fill: 0, scratch: ctx.scratch,
    perPlane: (c) => [
      chan.set(c.get()),
      ...weights.map((l, t) => l.set(fn.vloadSplat(fn.mul(c.get(), 4 * taps), w.addr + 4 * t))),
      ...(bias ? [biasV.set(fn.vloadSplat(fn.shl(c.get(), 2), bias.addr))] : []),
    ],
    tap: (acc, v, ky, kx) => {
      const t = ky * shape.kw + kx;
      if (acc) return fn.fma(v(), weight(t), acc);
      return bias ? fn.fma(v(), weight(t), biasV.get()) : fn.vmul(v(), weight(t));
    },
    finish: (acc, at) => [
      ...(residual ? [acc.set(fn.vadd(acc.get(), fn.vload(fn.shl(at.outOffset.get(), 2), residual.addr)))] : []),
      ...(act ? [acc.set(emitActivation(ctx, fn, act, () => acc.get()))] : []),
    ],
  });
}
