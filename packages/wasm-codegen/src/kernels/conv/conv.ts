// Conv (1-D and 2-D, float32; 3-D and up take the scalar loop of conv-nd.ts), in four forms:
//   depthwise (group == C == M)            → the direct sliding-window kernel (conv-depthwise.ts);
//   1x1, stride 1, no pads                 → GEMM with the input planes as B (packed into panels
//                                            when there are enough output channels to repay it);
//   3x3, stride 1, large enough, const W   → Winograd F(4x4 or 2x2, 3x3) (conv-winograd.ts);
//   everything else                        → im2col into scratch, then GEMM, one band of output
//                                            rows at a time (CHUNK_COLUMNS); windows of more than
//                                            MAX_UNROLLED_TAPS taps loop over them at run time.
// The GEMM (cache-blocked, gemm-blocked.ts) is A = weights [M/g, K] (K = C/g * kh * kw) × B = columns
// [K, OH*OW] → Y rows, with the bias per row and the fused epilogue (residual, activation) applied in
// registers; B is read from panels (gemm-pack.ts) where scratchLayout says so. Groups and
// batches loop at run time; as the GEMM's bias address is static, grouped convs with a bias fold it
// into the product instead: A gets a bias column and B a row of ones.
import { Node, Tensor, convAttrs, makeTensor, readActivation } from '@onnx2wasm/ir';
import { StaticContext, StaticOperand, registerLowering, staticView, unsupported } from '../../lowering.js';
import { Expr, FnBuilder, Local } from '../../wasm-builder.js';
import { lowerConvNd } from './conv-nd.js';
import { lowerDepthwiseConv } from './conv-depthwise.js';
import { WinogradPlan, lowerWinogradConv, winogradDerivedBytes, winogradPlanOf, winogradScratchBytes } from './conv-winograd.js';
import { GemmSpec, PANEL } from '../emit/gemm-core.js';
import { emitPackPanels, packedBytes } from '../emit/gemm-pack.js';
import { emitBlockedGemm } from '../emit/gemm-blocked.js';
import { MAX_UNROLLED_TAPS, PlaneShape, emitCopyIntoPadded, emitFill, emitTapLoad, paddedPlaneBytes, planeShape, readsInPlace } from '../emit/window-core.js';

type Plan =
  | { kind: 'depthwise'; shape: PlaneShape }
  | { kind: 'pointwise'; shape: PlaneShape }
  | { kind: 'winograd'; shape: PlaneShape; winograd: WinogradPlan }
  | { kind: 'im2col'; shape: PlaneShape; onesRow: boolean; rows: number; colBytes: number; padBytes: number };

/**
 * Columns per im2col chunk: the columns of a band of output rows are built and multiplied before
 * the next band, so the column buffer stays in L2 instead of making a round trip through memory.
 */
const CHUNK_COLUMNS = 256;

/** Columns of a pointwise conv's input packed and multiplied at a time (a multiple of PANEL). */
const POINTWISE_CHUNK = 512;

interface Dims { dims: number[]; constant?: Tensor }

function planOf(node: Node, x: Dims, w: Dims, hasBias: boolean, y: Dims): Plan | undefined {
  const shape = planeShape(node, x.dims, y.dims, w.dims.slice(2));
  if (!shape) return undefined;
  const { group, winograd: choice } = convAttrs(node);
  const C = x.dims[1]!, M = y.dims[1]!;
  // The depthwise kernel unrolls its taps; wider depthwise windows take the im2col path.
  if (group === C && M === C && group > 1 && shape.kh * shape.kw <= MAX_UNROLLED_TAPS) return { kind: 'depthwise', shape };
  // winograd: 0 (compile()'s memory-lean kernels) keeps the weights as shipped: no filters transformed at load.
  const winograd = x.dims.length === 4 && choice !== 'off' ? winogradPlanOf(shape, C, M, group, !!w.constant) : undefined;
  if (winograd) return { kind: 'winograd', shape, winograd };
  const unit = shape.kh === 1 && shape.kw === 1 && shape.sh === 1 && shape.sw === 1 && readsInPlace(shape);
  const onesRow = group > 1 && hasBias;
  if (unit && !onesRow) return { kind: 'pointwise', shape };
  const K = (C / group) * shape.kh * shape.kw + (onesRow ? 1 : 0);
  const rows = Math.max(1, Math.min(shape.OH, Math.floor(CHUNK_COLUMNS / shape.OW)));
  // 16 bytes of slack after the columns: the last vector store of im2col and the GEMM's B reads overrun by up to 12.
  const colBytes = 16 * Math.ceil((K * rows * shape.OW) / 4) + 16;
  const padBytes = readsInPlace(shape) ? 0 : paddedPlaneBytes(shape, C / group);
  return { kind: 'im2col', shape, onesRow, rows, colBytes, padBytes };
}

/**
 * Scratch of the GEMM paths, in bytes from its start: [im2col columns][padded input planes][B panels].
 * B (the input planes, or im2col's columns) is packed into panels (gemm-pack.ts) so the micro-kernel
 * reads it as one sequential stream; the copy is 1/(2·Mg) of the product's work. Thresholds as
 * measured (1x1 conv 128→512 @ 28×28: 34 → 46 GFLOP/s; im2col pays only from about 64 channels).
 */
function scratchLayout(plan: Exclude<Plan, { kind: 'depthwise' | 'winograd' }>, Mg: number, Kgemm: number) {
  const im2col = plan.kind === 'im2col';
  const columns = im2col ? plan.rows * plan.shape.OW : Math.min(POINTWISE_CHUNK, plan.shape.OH * plan.shape.OW);
  const packs = Mg >= (im2col ? 64 : 16);
  const pad = im2col ? plan.colBytes : 0;
  const panels = 16 * Math.ceil((pad + (im2col ? plan.padBytes : 0)) / 16);
  return { pad, panels, packs, bytes: panels + (packs ? packedBytes(Kgemm, columns) : 0) };
}

/** Weights [M, K] with the bias appended to each row: [M, K + 1]. */
function withBiasColumn(w: Tensor, b: Tensor, M: number, K: number): Tensor {
  const out = new Float32Array(M * (K + 1));
  const W = w.data as Float32Array;
  for (let m = 0; m < M; m++) {
    out.set(W.subarray(m * K, (m + 1) * K), m * (K + 1));
    out[m * (K + 1) + K] = Number(b.data[m]);
  }
  return makeTensor('float32', [M, K + 1], out);
}

/**
 * Writes the columns of `rows` output rows from oy0 for one group: row (c, ky, kx), column (oy, ox) =
 * plane c at ((oy0 + oy)*sh + ky*dh, ox*sw + kx*dw). Each output row segment is written in whole
 * vectors, so it spills up to 3 floats into the next segment, which is written afterwards (rows and
 * segments go in increasing address order).
 */
function emitIm2col(fn: FnBuilder, s: PlaneShape, Cg: number, planeBase: (c: Local) => Expr, rowLen: number, col: number, oy0: () => Expr, rows: number): Expr[] {
  const c = fn.local('i32'), oy = fn.local('i32'), ox = fn.local('i32');
  const src = fn.local('i32'), p = fn.local('i32'), dst = fn.local('i32');
  const taps = s.kh * s.kw, n = rows * s.OW;
  if (taps > MAX_UNROLLED_TAPS) {
    // Wide windows (an STFT as a 1x512 conv): the taps loop at run time instead of being unrolled.
    const ky = fn.local('i32'), kx = fn.local('i32');
    return [fn.for(c, 0, Cg, 1, [fn.for(ky, 0, s.kh, 1, [fn.for(kx, 0, s.kw, 1, [fn.for(oy, 0, rows, 1, [
      src.set(fn.add(fn.add(planeBase(c), fn.mul(fn.add(oy0(), oy.get()), 4 * s.sh * rowLen)), fn.add(fn.mul(ky.get(), 4 * s.dh * rowLen), fn.mul(kx.get(), 4 * s.dw)))),
      dst.set(fn.add(fn.add(fn.mul(c.get(), 4 * taps * n), fn.mul(fn.add(fn.mul(ky.get(), s.kw), kx.get()), 4 * n)), fn.mul(oy.get(), 4 * s.OW))),
      fn.for(ox, 0, s.OW, 4, [
        p.set(fn.add(src.get(), fn.mul(ox.get(), 4 * s.sw))),
        fn.vstore(fn.add(dst.get(), fn.shl(ox.get(), 2)), emitTapLoad(fn, s, rowLen, p, 0, 0), col),
      ]),
    ])])])])];
  }
  const perTap: Expr[] = [];
  for (let ky = 0; ky < s.kh; ky++) for (let kx = 0; kx < s.kw; kx++) {
    const t = ky * s.kw + kx;
    perTap.push(fn.for(oy, 0, rows, 1, [
      src.set(fn.add(planeBase(c), fn.mul(fn.add(oy0(), oy.get()), 4 * s.sh * rowLen))),
      dst.set(fn.add(fn.mul(c.get(), 4 * taps * n), fn.mul(oy.get(), 4 * s.OW))),
      fn.for(ox, 0, s.OW, 4, [
        p.set(fn.add(src.get(), fn.mul(ox.get(), 4 * s.sw))),
        fn.vstore(fn.add(dst.get(), fn.shl(ox.get(), 2)), emitTapLoad(fn, s, rowLen, p, ky, kx), col + 4 * t * n),
      ]),
    ]));
  }
  return [fn.for(c, 0, Cg, 1, perTap)];
}

function lowerGemmConv(ctx: StaticContext, plan: Exclude<Plan, { kind: 'depthwise' | 'winograd' }>, x: StaticOperand, w: StaticOperand, bias: StaticOperand | undefined, residual: StaticOperand | undefined, y: StaticOperand): Expr[] {
  const { fn, node } = ctx;
  const s = plan.shape;
  const { group } = convAttrs(node);
  const [N, C] = x.dims as [number, number];
  const M = y.dims[1]!, Cg = C / group, Mg = M / group;
  const K = Cg * s.kh * s.kw, P = s.OH * s.OW;
  const onesRow = plan.kind === 'im2col' && plan.onesRow;
  const Kgemm = K + (onesRow ? 1 : 0);
  let aAddr = w.addr;
  if (onesRow) {
    if (!w.constant || !bias!.constant) unsupported(ctx, 'a grouped convolution with run-time weights or bias');
    aAddr = ctx.addWeight(withBiasColumn(w.constant, bias!.constant, M, K), `convWB:${w.name}:${bias!.name}`);
  }
  const n = fn.local('i32'), g = fn.local('i32'), image = fn.local('i32');
  // image = first element of (n, group g) in channel-major tensors: (n * groups + g) * channels-per-group.
  const planeOf = (channels: number, size: number) => () => fn.mul(image.get(), 4 * channels * size);
  const layout = scratchLayout(plan, Mg, Kgemm);
  const col = ctx.scratch, pad = ctx.scratch + layout.pad, panelsAt = ctx.scratch + layout.panels;
  const spec: GemmSpec = {
    M: Mg, N: P, K: Kgemm,
    a: () => fn.add(fn.mul(g.get(), 4 * Mg * Kgemm), aAddr), aRowStride: Kgemm, aKStride: 1,
    b: plan.kind === 'pointwise' ? () => fn.add(planeOf(Cg, s.H * s.W)(), x.addr) : () => fn.i(col), bKStride: P,
    c: () => fn.add(planeOf(Mg, P)(), y.addr), cRowStride: P,
  };
  if (bias && !onesRow) spec.bias = { addr: bias.addr, per: 'row' };
  if (residual) spec.residual = { r: () => fn.add(planeOf(Mg, P)(), residual.addr), rRowStride: P };
  const act = readActivation(node);
  if (act) { spec.activation = act; spec.ctx = ctx; }

  const perGroup: Expr[] = [image.set(fn.add(fn.mul(n.get(), group), g.get()))];
  if (plan.kind === 'im2col') {
    const inPlace = plan.padBytes === 0;
    const xPlane = (c: Local) => fn.add(fn.add(planeOf(Cg, s.H * s.W)(), fn.mul(c.get(), 4 * s.H * s.W)), x.addr);
    if (!inPlace) {
      const c = fn.local('i32');
      perGroup.push(fn.for(c, 0, Cg, 1, emitCopyIntoPadded(fn, s, () => xPlane(c), () => fn.add(fn.mul(c.get(), 4 * s.Hp * s.Wp), pad))));
    }
    const base = inPlace ? xPlane : (c: Local) => fn.add(fn.mul(c.get(), 4 * s.Hp * s.Wp), pad);
    // Bands of `rows` output rows (and a shorter last band): im2col of the band, then its GEMM.
    const oy0 = fn.local('i32');
    const band = (rows: number, at: () => Expr): Expr[] => {
      const cols = rows * s.OW;
      const shift = (addr: () => Expr) => () => fn.add(addr(), fn.mul(at(), 4 * s.OW));
      const stmts = emitIm2col(fn, s, Cg, base, inPlace ? s.W : s.Wp, col, at, rows);
      // After im2col, whose last vector store may spill into this row.
      if (onesRow) stmts.push(...emitFill(fn, col + 4 * K * cols, cols, 1));
      const panels = layout.packs ? panelsAt : undefined;
      if (panels !== undefined) stmts.push(...emitPackPanels(fn, () => fn.i(col), 4 * cols, Kgemm, cols, panels));
      stmts.push(...emitBlockedGemm(fn, {
        ...spec, N: cols, c: shift(spec.c),
        ...(panels !== undefined ? { b: () => fn.i(panels), bKStride: PANEL, bPanelStride: Kgemm * PANEL } : { bKStride: cols }),
        residual: spec.residual && { r: shift(spec.residual.r), rRowStride: P },
      }));
      return stmts;
    };
    const full = Math.floor(s.OH / plan.rows) * plan.rows;
    perGroup.push(fn.for(oy0, 0, full, plan.rows, band(plan.rows, () => oy0.get())));
    if (full < s.OH) perGroup.push(...band(s.OH - full, () => fn.i(full)));
  }
  if (plan.kind === 'pointwise') {
    if (layout.packs) {
      // The input planes are B, packed into panels (rows HW * 4 bytes apart read badly) one chunk
      // of POINTWISE_CHUNK columns at a time: the scratch stays small and the chunk in cache.
      const j0 = fn.local('i32');
      const chunk = (width: number, at: () => Expr): Expr[] => {
        const shift = (addr: () => Expr) => () => fn.add(addr(), fn.shl(at(), 2));
        return [
          ...emitPackPanels(fn, shift(spec.b), 4 * P, Kgemm, width, panelsAt),
          ...emitBlockedGemm(fn, {
            ...spec, N: width, b: () => fn.i(panelsAt), bKStride: PANEL, bPanelStride: Kgemm * PANEL, c: shift(spec.c),
            residual: spec.residual && { r: shift(spec.residual.r), rRowStride: P },
          }),
        ];
      };
      const full = Math.floor(P / POINTWISE_CHUNK) * POINTWISE_CHUNK;
      if (full > 0) perGroup.push(fn.for(j0, 0, full, POINTWISE_CHUNK, chunk(POINTWISE_CHUNK, () => j0.get())));
      if (full < P) perGroup.push(...chunk(P - full, () => fn.i(full)));
    } else perGroup.push(...emitBlockedGemm(fn, spec));
  }
  const prologue = plan.kind === 'im2col' && plan.padBytes > 0 ? emitFill(fn, pad, plan.padBytes / 4, 0) : [];
  return [...prologue, fn.for(n, 0, N, 1, [fn.for(g, 0, group, 1, perGroup)])];
}

function operands(ctx: StaticContext) {
  const [x, w, bias, residual] = ctx.inputs;
  const y = ctx.outputs[0]!;
  if (y.dtype !== 'float32') unsupported(ctx, `dtype ${y.dtype}`);
  if (residual && residual.dims.join() !== y.dims.join()) unsupported(ctx, `a fused residual of shape [${residual.dims}] (it must match the output [${y.dims}])`);
  return { x: x!, w: w!, bias, residual, y };
}

registerLowering({
  ops: ['Conv'],
  scratchBytes(node, [x, w, bias], [y]) {
    const plan = planOf(node, x!, w!, !!bias, y!);
    if (!plan) return 0;
    if (plan.kind === 'im2col' || plan.kind === 'pointwise') {
      const K = w!.dims.slice(1).reduce((a, b) => a * b, 1) + (plan.kind === 'im2col' && plan.onesRow ? 1 : 0);
      return scratchLayout(plan, y!.dims[1]! / convAttrs(node).group, K).bytes;
    }
    if (plan.kind === 'winograd') return winogradScratchBytes(plan.winograd);
    return plan.kind === 'depthwise' && !readsInPlace(plan.shape) ? paddedPlaneBytes(plan.shape) : 0;
  },
  derivedBytes(node, [x, w, bias], [y]) {
    const plan = planOf(node, x!, w!, !!bias, y!);
    return plan?.kind === 'winograd' ? winogradDerivedBytes(plan.winograd) : 0;
  },
  lower(context) {
    const ctx = staticView(context);
    const { x, w, bias, residual, y } = operands(ctx);
    const plan = planOf(ctx.node, x, w, !!bias, y);
    if (!plan) return lowerConvNd(ctx, x, w, bias, residual, y);
    if (plan.kind === 'depthwise') return lowerDepthwiseConv(ctx, plan.shape, x, w, bias, residual, y);
    if (plan.kind === 'winograd') return lowerWinogradConv(ctx, plan.winograd, x, w, bias, residual, y);
    return lowerGemmConv(ctx, plan, x, w, bias, residual, y);
  },
});
