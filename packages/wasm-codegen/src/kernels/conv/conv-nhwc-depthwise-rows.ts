// Depthwise NhwcConv as a thin node function over a row helper shared by the depthwise convs of a
// module with the same window, stride, channel count, border columns and epilogue. The reason is
// the first run (docs/benchmarks.md "First run", gemm-rows.ts): V8 runs a function's first call in
// baseline code and compiles the optimized one in the background. A whole depthwise conv unrolled
// into its node function (window-nhwc.ts, border rows included) is called once per run, so its
// first run is baseline code, and its optimizing compile (10-20 ms of CPU per node, mobilenet_v2
// has 17) competes with that first run for the cores.
// Here the node function only walks the images, channel tiles and output rows, one helper call per
// row: the helper computes the left border outputs (only their window columns inside the image),
// the interior run (4 outputs per step sharing their input loads as in window-nhwc.ts, then 2 and
// 1) and the right border outputs. Window rows above or below the image point at a zero row
// (scratch, W pixels, cleared per run), so border rows take the same helper. Called once per row,
// the helper is optimized early in the first conv that uses it, and the node function never is.
// The channel count stays in the helper's key: as a parameter every tap's load needs an add
// (measured: depthwise convs of mobilenet_v2 8% slower warm; 3% with it in the key).
import { Expr, FnBuilder, Local, WasmModuleBuilder } from '../../wasm-builder.js';
import { EpilogueActivation, emitActivation } from '../emit/activation.js';
import { keyedHelperName } from '../emit/helper-names.js';
import { interiorRange, NhwcShape, tileBlocks } from '../emit/window-nhwc.js';
import type { HelperHost } from '../../lowering.js';

/** Outputs per span step (window-nhwc.ts measured 4 as the best); the rest go 2 and 1 at a time. */
const SPAN = 4;

/** Taps kx in [lo, hi) of each window row: the columns of a border output's window inside the image. */
type TapColumns = [number, number];

/**
 * What a helper is specialized on; everything else is a parameter. A row is `left` border outputs
 * (their tap columns), the interior run (a parameter long), then `right` border outputs.
 */
interface HelperKey { kh: number; kw: number; sw: number; dw: number; pl: number; pixel: number; left: TapColumns[]; right: TapColumns[]; act?: EpilogueActivation; bias: boolean; residual: boolean }

/** Where a conv's operands are (byte addresses): input, packed [taps, C] weights, output, bias, residual, zero row. */
export interface DepthwiseRowsOperands { x: number; w: number; y: number; bias?: number; residual?: number; zero: number }

/** Taps up to which the helper takes the window (its loops unroll every tap). */
const MAX_TAPS = 25;

/** Border outputs per row up to which the helper unrolls them (each has its own taps). */
const MAX_EDGE = 8;

/** Whether the row helper takes this conv: whole vectors of channels, a window it unrolls, few border columns. */
export function fitsDepthwiseRows(s: NhwcShape): boolean {
  const [lo, hi] = interiorRange(s.W, s.OW, s.kw, s.sw, s.dw, s.pl);
  return s.C % 4 === 0 && s.kh * s.kw <= MAX_TAPS && s.OW - (hi - lo) <= MAX_EDGE;
}

/** Scratch bytes: the zero row, W pixels. */
export const depthwiseRowsScratchBytes = (s: NhwcShape): number => 4 * s.W * s.C;


/**
 * row(row_0 .. row_kh-1, out, count, c0, c1, w, [bias], [resDelta]): one output row at `out`,
 * channel bytes [c0, c1), with `count` interior outputs; row_ky is the start of the input row under
 * window row ky (in the image or the zero row); resDelta is the residual's address minus Y's.
 */
function rowHelper(ctx: HelperHost & { module: WasmModuleBuilder }, k: HelperKey): string {
  const params = k.kh + 5 + (k.bias ? 1 : 0) + (k.residual ? 1 : 0);
  return ctx.helper(keyedHelperName(ctx.module, 'nhwc_dw_row', { ...k, act: k.act ?? null }).name, (fn) => {
    let p = 0;
    const rows = Array.from({ length: k.kh }, () => fn.param(p++));
    const out = fn.param(p++), count = fn.param(p++), c0 = fn.param(p++), c1 = fn.param(p++), w = fn.param(p++);
    const bias = k.bias ? fn.param(p++) : undefined, resDelta = k.residual ? fn.param(p++) : undefined;
    // The interior run's window pointers (input column of tap kx = 0) and output, advanced per step.
    const ptrs = Array.from({ length: k.kh }, () => fn.local('i32'));
    const o = fn.local('i32');
    const c = fn.local('i32'), base = fn.local('i32'), wAt = fn.local('i32');
    const accs = Array.from({ length: SPAN }, () => fn.local('v128'));
    const wts = Array.from({ length: k.kw }, () => fn.local('v128'));
    const col = fn.local('v128'), b = fn.local('v128');
    const pixels = (n: number): number => k.pixel * n;

    /**
     * One channel block (c) of R outputs at outAt(): window row ky's taps [lo, hi) read from
     * inAt(ky) on (the input column of tap lo of the first output).
     */
    const block = (R: number, [lo, hi]: TapColumns, inAt: (ky: number) => Expr, outAt: () => Expr): Expr[] => {
      const started = new Array<boolean>(R).fill(false);
      const stmts: Expr[] = [...(bias ? [b.set(fn.vload(fn.add(bias.get(), c.get())))] : [])];
      for (let ky = 0; ky < k.kh && hi > lo; ky++) {
        const uses = new Map<number, [number, number][]>(); // input column → (output r, tap kx)
        for (let r = 0; r < R; r++) for (let kx = lo; kx < hi; kx++) {
          const cx = r * k.sw + (kx - lo) * k.dw;
          uses.set(cx, [...(uses.get(cx) ?? []), [r, kx]]);
        }
        const rowOut: Expr[] = [base.set(fn.add(inAt(ky), c.get())), wAt.set(fn.add(w.get(), c.get()))];
        for (let kx = lo; kx < hi; kx++) rowOut.push(wts[kx]!.set(fn.vload(wAt.get(), pixels(ky * k.kw + kx))));
        for (const cx of [...uses.keys()].sort((x, y) => x - y)) {
          rowOut.push(col.set(fn.vload(base.get(), pixels(cx))));
          for (const [r, kx] of uses.get(cx)!) {
            const start = started[r] ? accs[r]!.get() : bias ? b.get() : undefined;
            rowOut.push(accs[r]!.set(start ? fn.accumulate(start, col.get(), wts[kx]!.get()) : fn.vmul(col.get(), wts[kx]!.get())));
            started[r] = true;
          }
        }
        // An always-taken branch fences each window row (as in window-nhwc.ts: without it Binaryen
        // sinks every chain into its store and V8 issues all loads first and spills).
        stmts.push(fn.if(fn.ne(rows[ky]!.get(), 1), rowOut));
      }
      for (let r = 0; r < R; r++) {
        const acc = accs[r]!, y = () => fn.add(outAt(), c.get());
        // A window wholly in the padding: the bias alone.
        if (!started[r]) stmts.push(acc.set(bias ? b.get() : fn.vzero()));
        if (resDelta) stmts.push(acc.set(fn.vadd(acc.get(), fn.vload(fn.add(y(), resDelta.get()), pixels(r)))));
        if (k.act) stmts.push(acc.set(emitActivation(ctx, fn, k.act, () => acc.get())));
        stmts.push(fn.vstore(y(), acc.get(), pixels(r)));
      }
      return [fn.for(c, c0.get(), c1.get(), 16, stmts)];
    };
    // Border output ox (a compile-time column, or `from` the interior's end plus j).
    const edge = (cols: TapColumns, ox: number, from?: { ptrs: typeof ptrs; out: typeof o }): Expr[] => block(1, cols,
      (ky) => (from ? fn.add(from.ptrs[ky]!.get(), pixels(ox * k.sw + cols[0] * k.dw)) : fn.add(rows[ky]!.get(), pixels(ox * k.sw - k.pl + cols[0] * k.dw))),
      () => fn.add(from ? from.out.get() : out.get(), pixels(ox)));
    const steps = (R: number): Expr[] => [
      ...block(R, [0, k.kw], (ky) => ptrs[ky]!.get(), () => o.get()),
      ...ptrs.map((q) => q.set(fn.add(q.get(), pixels(R * k.sw)))),
      o.set(fn.add(o.get(), pixels(R))),
      count.set(fn.sub(count.get(), R)),
    ];
    const oxLo = k.left.length;
    fn.finish([
      ...k.left.flatMap((cols, ox) => edge(cols, ox)),
      ...ptrs.map((q, ky) => q.set(fn.add(rows[ky]!.get(), pixels(oxLo * k.sw - k.pl)))),
      o.set(fn.add(out.get(), pixels(oxLo))),
      fn.if(fn.geS(count.get(), SPAN), [fn.doWhile(steps(SPAN), () => fn.geS(count.get(), SPAN))]),
      fn.if(fn.geS(count.get(), 2), steps(2)),
      fn.if(fn.gtS(count.get(), 0), steps(1)),
      ...k.right.flatMap((cols, j) => edge(cols, j, { ptrs, out: o })),
    ]);
  }, Array(params).fill('i32'));
}

/** The node's statements: per image, channel tile and output row, one helper call (see the file comment). */
export function emitDepthwiseRows(ctx: HelperHost & { module: WasmModuleBuilder; fn: FnBuilder }, s: NhwcShape, o: DepthwiseRowsOperands, act: EpilogueActivation | undefined): Expr[] {
  const { fn } = ctx;
  const pixel = 4 * s.C, rowBytes = s.W * pixel;
  const [oxLo, oxHi] = interiorRange(s.W, s.OW, s.kw, s.sw, s.dw, s.pl);
  // A border output's taps: the window columns inside the image (a contiguous range of kx).
  const columns = (ox: number): TapColumns => {
    const inside = Array.from({ length: s.kw }, (_, kx) => kx).filter((kx) => { const x = ox * s.sw - s.pl + kx * s.dw; return x >= 0 && x < s.W; });
    return inside.length ? [inside[0]!, inside[inside.length - 1]! + 1] : [0, 0];
  };
  const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, j) => columns(from + j));
  const helper = rowHelper(ctx, {
    kh: s.kh, kw: s.kw, sw: s.sw, dw: s.dw, pl: s.pl, pixel, left: range(0, oxLo), right: range(Math.max(oxHi, oxLo), s.OW),
    ...(act ? { act } : {}), bias: o.bias !== undefined, residual: o.residual !== undefined,
  });
  const n = fn.local('i32'), oy = fn.local('i32'), xImg = fn.local('i32'), iy = fn.local('i32'), c0 = fn.local('i32'), c1 = fn.local('i32');
  const perRow: Expr[] = [
    iy.set(fn.sub(fn.mul(oy.get(), s.sh), s.pt)),
    fn.call(helper, [
      // Window row ky: the input row it reads, or the zero row above or below the image.
      ...Array.from({ length: s.kh }, (_, ky) => fn.selectI(fn.ltU(fn.add(iy.get(), ky * s.dh), s.H), fn.add(xImg.get(), fn.mul(fn.add(iy.get(), ky * s.dh), rowBytes)), o.zero)),
      fn.add(fn.mul(fn.add(fn.mul(n.get(), s.OH), oy.get()), s.OW * pixel), o.y), fn.i(Math.max(0, oxHi - oxLo)), c0.get(), c1.get(),
      fn.i(o.w), ...(o.bias !== undefined ? [fn.i(o.bias)] : []), ...(o.residual !== undefined ? [fn.i(o.residual - o.y)] : []),
    ]),
  ];
  const tileBytes = 16 * tileBlocks(s);
  return [
    fn.fill(o.zero, 0, rowBytes),
    fn.for(n, 0, s.N, 1, [
      xImg.set(fn.add(fn.mul(n.get(), s.H * rowBytes), o.x)),
      fn.for(c0, 0, pixel, tileBytes, [
        c1.set(fn.selectI(fn.ltS(fn.add(c0.get(), tileBytes), pixel), fn.add(c0.get(), tileBytes), pixel)),
        fn.for(oy, 0, s.OH, 1, perRow),
      ]),
    ]),
  ];
}
