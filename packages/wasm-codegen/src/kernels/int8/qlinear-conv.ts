// QLinearConv (2-D, weights with zero point 0) on 8-bit data; depthwise convs take depthwise.ts,
// group 1 runs in bands of output rows:
//   1. im2col of the band as bytes: row k = (c, ky, kx) of the input planes (copied first into
//      planes padded with the zero point when the conv pads, so a padded tap centres to 0);
//   2. the rows packed in pairs of k into the i16 panel of gemm-i16.ts, centred on the way (x - zx);
//   3. the integer GEMM against the weights packed at compile time (still 8-bit in the weights
//      file), requantized to 8 bits in registers and stored: the output stays 8-bit in the arena.
// The band is sized so its panel stays in L2 while every output channel sweeps it.
// 3x3 stride-1 convs take the exact integer Winograd F(2x2, 3x3) instead (winograd-conv.ts).
import { Node, qlinearConvAttrs, requantizeMultiplier } from '@onnx2wasm/ir';
import { StaticContext, StaticOperand, constantInput, registerLowering, staticView, unsupported } from '../../lowering.js';
import { Expr } from '../../wasm-builder.js';
import { planeShape } from '../emit/window-core.js';
import { depthwiseScratchBytes, lowerDepthwise8 } from './depthwise.js';
import { TILE_PIXELS, emitGemmRequantize, emitPackPanels, packWeights } from './gemm-i16.js';
import { int8WinogradDerivedBytes, int8WinogradPlanOf, int8WinogradScratchBytes, lowerInt8Winograd } from './winograd-conv.js';

/** Bytes of B panel per band: about half of a typical L2. */
const PANEL_BYTES = 128 * 1024;

const align16 = (n: number) => 16 * Math.ceil(n / 16);

interface Plan {
  N: number; C: number; H: number; W: number; M: number; KH: number; KW: number;
  sh: number; sw: number; dh: number; dw: number; pt: number; pl: number;
  OH: number; OW: number; K: number; K2: number;
  padded: boolean; Hp: number; Wp: number;
  /** Output rows per band, and the bytes of one im2col row (a band's pixels rounded to 16, plus a vector of slack). */
  rows: number; rowBytes: number;
  padBytes: number; colsBytes: number; panelBytes: number;
}

function planOf(node: Node, x: number[], w: number[], y: number[]): Plan {
  const [N, C, H, W] = x as [number, number, number, number];
  const [M, , KH, KW] = w as [number, number, number, number];
  const [, , OH, OW] = y as [number, number, number, number];
  const g = planeShape(node, x, y, [KH, KW])!;
  const { pt, pl, Hp, Wp } = g;
  const padded = pt > 0 || pl > 0 || Hp > H || Wp > W;
  const K = C * KH * KW, K2 = Math.ceil(K / 2);
  const pixels = Math.max(TILE_PIXELS, Math.floor(PANEL_BYTES / (4 * K2)));
  const rows = Math.max(1, Math.min(OH, Math.floor(pixels / OW)));
  const band = align16(rows * OW);
  const rowBytes = band + 16;
  return {
    N, C, H, W, M, KH, KW, sh: g.sh, sw: g.sw, dh: g.dh, dw: g.dw, pt, pl, OH, OW, K, K2,
    padded, Hp, Wp, rows, rowBytes,
    // Slack after the padded planes and each im2col row: the vector copies read up to 15 bytes past
    // a row's last tap (31 at stride 2) and write up to 15 past its end. Unpadded, the reads past
    // the input's end land in the scratch region after the arena.
    padBytes: padded ? align16(C * Hp * Wp + 32) : 0,
    colsBytes: align16(2 * K2 * rowBytes),
    panelBytes: K2 * 4 * band,
  };
}

const dims = (o: { dims: number[] } | undefined) => o?.dims ?? [];

/**
 * The largest |float32(sum) · multiplier| any output can reach: per channel 255 · sum |w| (inputs
 * centred on their zero point span 255) + |bias|, times its multiplier, with a margin for the two
 * float32 roundings. Below 2^22 the 8-bit rounding needs no clamp (round-to-8bit.ts).
 */
function productBound(w: ArrayLike<number>, bias: Int32Array | undefined, mult: Float32Array, M: number): number {
  const K = w.length / M;
  let max = 0;
  for (let m = 0; m < M; m++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.abs(Number(w[m * K + k]));
    max = Math.max(max, (255 * s + Math.abs(bias?.[m] ?? 0)) * mult[m]!);
  }
  return max * 1.001;
}
const depthwise = (node: Node) => qlinearConvAttrs(node).group > 1;
const winogradOf = (node: Node, x: { dims: number[] } | undefined, w: { dims: number[]; dtype: string } | undefined, y: { dims: number[] } | undefined) =>
  int8WinogradPlanOf(node, dims(x), dims(w), dims(y), w?.dtype === 'int8');

/** Copies the planes of sample n into planes padded with the zero point. */
function emitPadPlanes(ctx: StaticContext, p: Plan, n: Expr, x: StaticOperand, zx: number): Expr[] {
  const { fn } = ctx;
  const c = fn.local('i32'), row = fn.local('i32');
  return [
    fn.fill(ctx.scratch, zx & 0xff, p.C * p.Hp * p.Wp),
    fn.for(c, 0, p.C, 1, [fn.for(row, 0, p.H, 1, [
      fn.copy(
        fn.add(fn.add(fn.mul(c.get(), p.Hp * p.Wp), fn.mul(row.get(), p.Wp)), ctx.scratch + p.pt * p.Wp + p.pl),
        fn.add(fn.add(fn.mul(n, p.C * p.H * p.W), fn.mul(c.get(), p.H * p.W)), fn.add(fn.mul(row.get(), p.W), x.addr)),
        p.W,
      ),
    ])]),
  ];
}

/** im2col of output rows [oy0, oy0 + rows) into byte rows of the cols buffer. */
function emitIm2col(ctx: StaticContext, p: Plan, src: () => Expr, cols: number, oy0: () => Expr, rows: () => Expr): Expr[] {
  const { fn } = ctx;
  const plane = p.padded ? p.Hp * p.Wp : p.H * p.W, rowLen = p.padded ? p.Wp : p.W;
  const c = fn.local('i32'), ky = fn.local('i32'), kx = fn.local('i32'), r = fn.local('i32'), ox = fn.local('i32');
  const from = fn.local('i32'), to = fn.local('i32');
  const unit = p.KH === 1 && p.KW === 1 && p.sh === 1 && p.sw === 1 && !p.padded;
  if (unit) {
    // The band's pixels are contiguous in each input plane: one copy per channel.
    return [fn.for(c, 0, p.C, 1, [
      fn.copy(fn.add(fn.mul(c.get(), p.rowBytes), cols), fn.add(fn.add(src(), fn.mul(c.get(), plane)), fn.mul(oy0(), p.W)), fn.mul(rows(), p.OW)),
    ])];
  }
  // Stride 2 (resnet's and mobilenet's downsampling convs): the even bytes of two vectors, 16
  // outputs per shuffle instead of 16 byte loads and stores.
  const EVEN = Array.from({ length: 16 }, (_, i) => 2 * i);
  const segment = p.sw === 1
    ? fn.for(ox, 0, p.OW, 16, [fn.vstore(fn.add(to.get(), ox.get()), fn.vload(fn.add(from.get(), ox.get())))])
    : p.sw === 2
      ? fn.for(ox, 0, p.OW, 16, [fn.vstore(fn.add(to.get(), ox.get()),
        fn.shuffle8(fn.vload(fn.add(from.get(), fn.shl(ox.get(), 1))), fn.vload(fn.add(from.get(), fn.shl(ox.get(), 1)), 16), EVEN))])
      : fn.for(ox, 0, p.OW, 1, [fn.store8(fn.add(to.get(), ox.get()), fn.load8U(fn.add(from.get(), fn.mul(ox.get(), p.sw))))]);
  return [fn.for(c, 0, p.C, 1, [fn.for(ky, 0, p.KH, 1, [fn.for(kx, 0, p.KW, 1, [fn.for(r, 0, rows(), 1, [
    from.set(fn.add(fn.add(src(), fn.mul(c.get(), plane)), fn.add(
      fn.mul(fn.add(fn.mul(fn.add(oy0(), r.get()), p.sh), fn.mul(ky.get(), p.dh)), rowLen),
      fn.mul(kx.get(), p.dw)))),
    to.set(fn.add(fn.add(fn.mul(fn.add(fn.mul(fn.add(fn.mul(c.get(), p.KH), ky.get()), p.KW), kx.get()), p.rowBytes), fn.mul(r.get(), p.OW)), cols)),
    segment,
  ])])])])];
}

registerLowering({
  ops: ['QLinearConv'],
  scratchBytes(node, [x, , , w], [y]) {
    if (depthwise(node)) return depthwiseScratchBytes(planeShape(node, dims(x), dims(y), dims(w).slice(2))!);
    const winograd = winogradOf(node, x, w, y);
    if (winograd) return int8WinogradScratchBytes(winograd);
    const p = planOf(node, dims(x), dims(w), dims(y));
    return p.padBytes + p.colsBytes + p.panelBytes + 16;
  },
  derivedBytes(node, [x, , , w], [y]) {
    const winograd = winogradOf(node, x, w, y);
    return winograd ? int8WinogradDerivedBytes(winograd) : 0;
  },
  lower(context) {
    const ctx = staticView(context);
    const { fn, node } = ctx;
    // Inputs: x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B; the
    // scales and zero points are compile-time constants (read below).
    const [x, , , w, , , , , b] = ctx.inputs;
    const y = ctx.outputs[0]!;
    const wt = constantInput(ctx, 3, 'the weights');
    const zwT = constantInput(ctx, 5, 'the weight zero point');
    if (Array.from(zwT.data as ArrayLike<number>).some((z) => Number(z) !== 0)) unsupported(ctx, 'a weight zero point other than 0');
    const xScale = Number(constantInput(ctx, 1, 'x_scale').data[0]);
    const wScale = constantInput(ctx, 4, 'w_scale');
    const yScale = Number(constantInput(ctx, 6, 'y_scale').data[0]);
    const zxV = Number(constantInput(ctx, 2, 'x_zero_point').data[0]);
    const zyV = Number(constantInput(ctx, 7, 'y_zero_point').data[0]);
    const M = w!.dims[0]!;
    const perChannel = wScale.data.length !== 1;
    const Mp = M + 1;
    const mult = new Float32Array(Mp);
    for (let m = 0; m < M; m++) mult[m] = requantizeMultiplier(xScale, Number(wScale.data[perChannel ? m : 0]), yScale);
    const multAddr = ctx.addWeight(new Uint8Array(mult.buffer));
    const biasValues = b ? Int32Array.from(constantInput(ctx, 8, 'the bias').data as ArrayLike<number>, Number) : undefined;
    const maxAbs = productBound(wt.data as ArrayLike<number>, biasValues, mult, M);
    if (depthwise(node)) {
      const shape = planeShape(node, x!.dims, y.dims, w!.dims.slice(2))!;
      if (shape.sw > 2) unsupported(ctx, `depthwise stride ${shape.sw} (the 8-bit kernel takes 1 and 2)`);
      return lowerDepthwise8(ctx, shape, { w: wt, bias: biasValues, mult: multAddr, maxAbs, zx: zxV, zy: zyV, signedOut: y.dtype === 'int8' });
    }
    const winograd = winogradOf(node, x, w, y);
    if (winograd) {
      return lowerInt8Winograd(ctx, winograd, {
        x: x!, y, w: wt.data as ArrayLike<number>, bias: biasValues, mult: multAddr, zx: zxV, zy: zyV, maxAbs,
        signedX: x!.dtype === 'int8', signedW: w!.dtype === 'int8', signedOut: y.dtype === 'int8',
      });
    }
    let biasAddr: number | undefined;
    if (biasValues) {
      const bias = new Int32Array(Mp);
      bias.set(biasValues);
      biasAddr = ctx.addWeight(new Uint8Array(bias.buffer));
    }
    const q = { bias: biasAddr, mult: multAddr, maxAbs, zy: zyV, signedOut: y.dtype === 'int8' };
    const p = planOf(node, x!.dims, w!.dims, y.dims);
    const weights = ctx.addWeight(packWeights(wt.data as ArrayLike<number>, p.M, p.K));

    const pad = ctx.scratch, cols = pad + p.padBytes, panel = cols + p.colsBytes, tmp = panel + p.panelBytes;
    const n = fn.local('i32'), oy0 = fn.local('i32'), rows = fn.local('i32'), pixels = fn.local('i32'), blocks = fn.local('i32');
    const P = p.OH * p.OW;
    const src = () => (p.padded ? fn.i(pad) : fn.add(fn.mul(n.get(), p.C * p.H * p.W), x!.addr));
    const band: Expr[] = [
      rows.set(fn.selectI(fn.ltS(fn.sub(p.OH, oy0.get()), p.rows), fn.sub(p.OH, oy0.get()), p.rows)),
      pixels.set(fn.mul(rows.get(), p.OW)),
      blocks.set(fn.divU(fn.add(pixels.get(), 15), 16)),
      ...emitIm2col(ctx, p, src, cols, () => oy0.get(), () => rows.get()),
      ...emitPackPanels(fn, { cols: () => fn.i(cols), rowBytes: p.rowBytes, K2: p.K2, blocks: () => blocks.get(), panel: () => fn.i(panel), signed: x!.dtype === 'int8', zx: zxV }),
      ...emitGemmRequantize(fn, {
        M: p.M, K2: p.K2, weights, panel: () => fn.i(panel), blocks: () => blocks.get(), pixels: () => pixels.get(),
        out: (m) => fn.add(fn.add(fn.mul(fn.add(fn.mul(n.get(), p.M), m), P), fn.mul(oy0.get(), p.OW)), y.addr),
        tmp, signedWeights: w!.dtype === 'int8',
        q,
      }),
    ];
    return [
      // An odd K pairs its last row with a row of zero points (centred: 0).
      ...(p.K % 2 === 1 ? [fn.fill(cols + p.K * p.rowBytes, zxV & 0xff, p.rowBytes)] : []),
      fn.for(n, 0, p.N, 1, [
        ...(p.padded ? emitPadPlanes(ctx, p, n.get(), x!, zxV) : []),
        fn.for(oy0, 0, p.OH, p.rows, band),
      ]),
    ];
  },
});
