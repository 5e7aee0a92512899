// NhwcConv (channels-last 2-D Conv, made by the layout pass): depthwise convs go to
// conv-nhwc-depthwise.ts; 3x3 stride-1 convs that NCHW Conv would run as Winograd go to
// conv-nhwc-winograd.ts; every other group-1 conv is an im2col GEMM. In NHWC a pixel's channels
// are contiguous, so im2col copies whole channel runs: row p of A (one output pixel) is the
// kh·kw runs of C input channels under its window, zeros where the window hangs over the border.
// B is the weights as a [kh·kw·C, M] matrix packed at compile time into the GEMM's panels, and
// the output rows are written in place (Y is [pixels, M]) with the bias per column and the fused
// residual and activation. Pixels go CHUNK at a time so A stays in cache. (1×1 stride-1 convs
// never get here: the layout pass makes them MatMuls.)
import { readActivation, makeTensor, Tensor, convAttrs } from '@onnx2wasm/ir';
import { StaticContext, StaticOperand, registerLowering, staticView, unsupported } from '../../lowering.js';
import { Expr, FnBuilder } from '../../wasm-builder.js';
import { lowerNhwcDepthwise } from './conv-nhwc-depthwise.js';
import { depthwiseRowsScratchBytes, fitsDepthwiseRows } from './conv-nhwc-depthwise-rows.js';
import { NhwcWinogradPlan, lowerNhwcWinograd, nhwcWinogradDerivedBytes, nhwcWinogradPlanOf, nhwcWinogradScratchBytes } from './conv-nhwc-winograd.js';
import { GemmSpec, aPackBytes, emitGemm, packsRowsOfA } from '../emit/gemm-core.js';
import { packB, packedB } from '../emit/gemm-pack.js';
import { DEFAULT_BLOCKING, emitBlockedGemm } from '../emit/gemm-blocked.js';
import { initWithBias } from '../ops/matmul.js';
import { NhwcShape, nhwcShape } from '../emit/window-nhwc.js';

/** Output pixels per im2col chunk. */
const CHUNK = 256;

/** Runs of at most this many floats are copied with unrolled loads and stores instead of memory.copy. */
const UNROLLED_COPY = 32;

/** The window geometry (with N and input C) plus output channels M, GEMM depth K, output pixels P. */
interface Geometry { s: NhwcShape; N: number; C: number; M: number; K: number; P: number; chunk: number }

function geometryOf(node: StaticContext['node'], x: { dims: number[] }, w: { dims: number[] }, y: { dims: number[] }): Geometry {
  const s = nhwcShape(node, x.dims, y.dims, w.dims.slice(2))!;
  const P = s.OH * s.OW;
  return { s, N: s.N, C: s.C, M: y.dims[3]!, K: s.kh * s.kw * s.C, P, chunk: Math.min(CHUNK, P) };
}

const isDepthwise = (node: StaticContext['node'], g: Geometry) => convAttrs(node).group === g.C && g.M === g.C && g.C > 1;

/**
 * The channels-last Winograd plan for 3x3 stride-1 convs that NCHW Conv would run as Winograd.
 * ConvAttrs.winograd: 'off' never (the memory-lean kernels), 'on' whenever the geometry allows (the
 * parts of a threaded build's Winograd conv), 'auto': by cost.
 */
const winogradOf = (node: StaticContext['node'], g: Geometry, w: { constant?: Tensor }): NhwcWinogradPlan | undefined => {
  const { winograd, group } = convAttrs(node);
  return winograd === 'off' ? undefined : nhwcWinogradPlanOf(g.s, g.C, g.M, group, !!w.constant, winograd === 'on');
};

/** Whether this NhwcConv runs as Winograd (its weights are then transformed at load, not packed into the weights file). */
export function nhwcConvTakesWinograd(node: StaticContext['node'], x: { dims: number[] }, w: { dims: number[]; constant?: Tensor }, y: { dims: number[] }): boolean {
  const g = geometryOf(node, x, w, y);
  return !isDepthwise(node, g) && !!winogradOf(node, g, w);
}

/** W [M, C, kh, kw] → [kh·kw·C, M]: row (ky, kx, c) of the GEMM's B. */
function weightMatrix(w: Tensor, g: Geometry): Tensor {
  const { M, C } = g, { kh, kw } = g.s;
  const src = w.data as Float32Array, out = new Float32Array(g.K * M);
  for (let m = 0; m < M; m++) for (let c = 0; c < C; c++) for (let t = 0; t < kh * kw; t++) out[(t * C + c) * M + m] = src[(m * C + c) * kh * kw + t]!;
  return makeTensor('float32', [g.K, M], out);
}

/** Copies `count` floats from src to dst (both fresh expressions per use). */
function copyFloats(fn: FnBuilder, dst: () => Expr, src: () => Expr, count: number): Expr[] {
  if (count > UNROLLED_COPY) return [fn.copy(dst(), src(), 4 * count)];
  const out: Expr[] = [];
  let i = 0;
  for (; i + 4 <= count; i += 4) out.push(fn.vstore(dst(), fn.vload(src(), 4 * i), 4 * i));
  for (; i < count; i++) out.push(fn.storeF32(dst(), fn.loadF32(src(), 4 * i), 4 * i));
  return out;
}

function zeroFloats(fn: FnBuilder, dst: () => Expr, count: number): Expr[] {
  if (count > UNROLLED_COPY) return [fn.fill(dst(), 0, 4 * count)];
  const out: Expr[] = [];
  let i = 0;
  for (; i + 4 <= count; i += 4) out.push(fn.vstore(dst(), fn.vconst(0), 4 * i));
  for (; i < count; i++) out.push(fn.storeF32(dst(), fn.f32(0), 4 * i));
  return out;
}

/**
 * Rows of A for `rows` output pixels from pixel p0 of image n: each the window's channel runs.
 * Without dilation a window row is one run of kw·C floats in NHWC, copied at once when it lies
 * inside the image (always, in the interior); border rows go tap by tap with zeros outside.
 */
function emitIm2col(fn: FnBuilder, g: Geometry, xAddr: number, image: () => Expr, p0: () => Expr, rows: number, dst: number): Expr[] {
  const { s, C } = g;
  const q = fn.local('i32'), iy = fn.local('i32'), ix = fn.local('i32'), ix0 = fn.local('i32'), row = fn.local('i32'), ky = fn.local('i32'), kx = fn.local('i32');
  const oy = fn.local('i32'), ox = fn.local('i32'), at = fn.local('i32');
  const padded = s.pt > 0 || s.pl > 0 || (s.OH - 1) * s.sh + (s.kh - 1) * s.dh >= s.H || (s.OW - 1) * s.sw + (s.kw - 1) * s.dw >= s.W;
  const pixel = (x: () => Expr) => () => fn.add(fn.add(image(), fn.mul(fn.add(fn.mul(iy.get(), s.W), x()), 4 * C)), xAddr);
  const tap = () => fn.add(at.get(), fn.mul(fn.add(fn.mul(ky.get(), s.kw), kx.get()), 4 * C));
  const windowRow = () => fn.add(at.get(), fn.mul(ky.get(), 4 * s.kw * C));
  const copy = copyFloats(fn, tap, pixel(() => ix.get()), C);
  const tapByTap = [fn.for(kx, 0, s.kw, 1, [
    ix.set(fn.add(ix0.get(), fn.mul(kx.get(), s.dw))),
    ...(padded ? [fn.if(fn.and(fn.ltU(iy.get(), s.H), fn.ltU(ix.get(), s.W)), copy, zeroFloats(fn, tap, C))] : copy),
  ])];
  let perRow = tapByTap;
  if (s.dw === 1) {
    const whole = copyFloats(fn, windowRow, pixel(() => ix0.get()), s.kw * C);
    const inside = fn.and(fn.and(fn.ltU(iy.get(), s.H), fn.geS(ix0.get(), 0)), fn.leS(ix0.get(), s.W - s.kw));
    perRow = padded ? [fn.if(inside, whole, tapByTap)] : whole;
  }
  return [fn.for(q, 0, rows, 1, [
    row.set(fn.add(p0(), q.get())),
    oy.set(fn.divU(row.get(), s.OW)), ox.set(fn.remU(row.get(), s.OW)),
    at.set(fn.add(fn.mul(q.get(), 4 * g.K), dst)),
    ix0.set(fn.sub(fn.mul(ox.get(), s.sw), s.pl)),
    fn.for(ky, 0, s.kh, 1, [
      iy.set(fn.add(fn.mul(oy.get(), s.sh), fn.sub(fn.mul(ky.get(), s.dh), s.pt))),
      ...perRow,
    ]),
  ])];
}

function scratchOf(g: Geometry) {
  const aBytes = 16 * Math.ceil((g.chunk * g.K) / 4) + 16;
  const packA = packsRowsOfA(g.chunk, g.K, g.M);
  return { aBytes, packA, bytes: aBytes + (packA ? aPackBytes(g.K) : 0) };
}

function lowerGemmNhwc(ctx: StaticContext, g: Geometry, x: StaticOperand, w: StaticOperand, bias: StaticOperand | undefined, residual: StaticOperand | undefined, y: StaticOperand): Expr[] {
  const { fn } = ctx;
  const { M, K, P } = g;
  const layout = scratchOf(g);
  const a = ctx.scratch;
  const b = packedB(fn, ctx.addWeight(packB(weightMatrix(w.constant!, g)), `panelsNhwc:${w.name}`), K, M);
  const n = fn.local('i32'), p0 = fn.local('i32');
  const image = () => fn.mul(n.get(), 4 * g.s.H * g.s.W * g.C);
  const outAt = (base: number, at: () => Expr) => () => fn.add(fn.mul(fn.add(fn.mul(n.get(), P), at()), 4 * M), base);
  const act = readActivation(ctx.node);
  // The blocked driver takes no per-column bias: C then starts as bias (+ residual) and accumulates.
  const blocked = K > DEFAULT_BLOCKING.kc || M > DEFAULT_BLOCKING.nc;
  const chunk = (rows: number, at: () => Expr): Expr[] => {
    const spec: GemmSpec = {
      M: rows, N: M, K, a: () => fn.i(a), aRowStride: K, aKStride: 1, ...b,
      c: outAt(y.addr, at), cRowStride: M,
      ...(act ? { activation: act, ctx } : {}),
      ...(layout.packA && rows >= 4 ? { aPack: a + layout.aBytes } : {}),
    };
    const stmts = emitIm2col(fn, g, x.addr, image, at, rows, a);
    if (!blocked) {
      if (bias) spec.bias = { addr: bias.addr, per: 'col' };
      if (residual) spec.residual = { r: outAt(residual.addr, at), rRowStride: M };
      return [...stmts, ...emitGemm(fn, spec)];
    }
    const c = outAt(y.addr, at);
    if (bias) stmts.push(...initWithBias(fn, () => c(), bias.addr, residual && (() => outAt(residual.addr, at)()), rows, M));
    else if (residual) stmts.push(fn.copy(c(), outAt(residual.addr, at)(), 4 * rows * M));
    return [...stmts, ...emitBlockedGemm(fn, { ...spec, ...(bias || residual ? { residual: { r: c, rRowStride: M } } : {}) })];
  };
  const full = Math.floor(P / g.chunk) * g.chunk;
  const perImage: Expr[] = [];
  if (full > 0) perImage.push(fn.for(p0, 0, full, g.chunk, chunk(g.chunk, () => p0.get())));
  if (full < P) perImage.push(...chunk(P - full, () => fn.i(full)));
  return [fn.for(n, 0, g.N, 1, perImage)];
}

registerLowering({
  ops: ['NhwcConv'],
  scratchBytes(node, [x, w], [y]) {
    const g = geometryOf(node, x!, w!, y!);
    if (isDepthwise(node, g)) return fitsDepthwiseRows(g.s) ? depthwiseRowsScratchBytes(g.s) : 0;
    const winograd = winogradOf(node, g, w!);
    return winograd ? nhwcWinogradScratchBytes(winograd) : scratchOf(g).bytes;
  },
  derivedBytes(node, [x, w], [y]) {
    const winograd = winogradOf(node, geometryOf(node, x!, w!, y!), w!);
    return winograd ? nhwcWinogradDerivedBytes(winograd) : 0;
  },
  lower(context) {
    const ctx = staticView(context);
    const [x, w, bias, residual] = ctx.inputs;
    const y = ctx.outputs[0]!;
    for (const o of [...ctx.inputs, y]) if (o && o.dtype !== 'float32') unsupported(ctx, `dtype ${o.dtype}`);
    if (!w!.constant) unsupported(ctx, 'run-time weights');
    if (residual && residual.dims.join() !== y.dims.join()) unsupported(ctx, `a fused residual of shape [${residual.dims}] (it must match the output [${y.dims}])`);
    const g = geometryOf(ctx.node, x!, w!, y);
    if (isDepthwise(ctx.node, g)) return lowerNhwcDepthwise(ctx, x!, w!, bias, residual, y);
    if (convAttrs(ctx.node).group !== 1) unsupported(ctx, 'a grouped NhwcConv other than depthwise');
    const winograd = winogradOf(ctx.node, g, w!);
    if (winograd) return lowerNhwcWinograd(ctx, winograd, x!, w!, bias, residual, y);
    return lowerGemmNhwc(ctx, g, x!, w!, bias, residual, y);
  },
});
