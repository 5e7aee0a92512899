// Channels-last pools (float32), vectorized across channels: NhwcMaxPool and NhwcAveragePool on the
// shared window loop of window-nhwc.ts (the border reads a fill row of -Infinity for max, 0 for
// average), and the global pools as a sweep over pixels with a block of channel vectors in locals.
// Max is pmax with a mask of NaN inputs put back at the end, so NaN wins as in the reference. The average's 1/count is the NCHW
// pool's table; interior windows all count kh * kw.
import { StaticContext, StaticOperand, registerLowering, staticView, unsupported } from '../../lowering.js';
import { Expr, FnBuilder, Local } from '../../wasm-builder.js';
import { makeTensor, poolAttrs } from '@onnx2wasm/ir';
import { reciprocals } from './pool.js';
import { MAX_NHWC_TAPS, emitNhwcWindow, fillRow, nhwcShape } from '../emit/window-nhwc.js';

function checkFloat32(ctx: StaticContext, ...operands: StaticOperand[]): void {
  for (const o of operands) if (o.dtype !== 'float32') unsupported(ctx, `dtype ${o.dtype}`);
}

registerLowering({
  ops: ['NhwcMaxPool', 'NhwcAveragePool'],
  lower(context) {
    const ctx = staticView(context);
    const { node, fn } = ctx;
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    checkFloat32(ctx, x, y);
    if (node.outputs.length > 1) unsupported(ctx, 'the Indices output');
    const shape = nhwcShape(node, x.dims, y.dims, poolAttrs(node).kernelShape);
    if (!shape) unsupported(ctx, `input of rank ${x.dims.length}`);
    if (shape.kh * shape.kw > MAX_NHWC_TAPS) unsupported(ctx, `a window of ${shape.kh * shape.kw} taps`);
    const base = { shape, x: x.addr, y: y.addr };
    if (node.op === 'NhwcMaxPool') {
      return emitNhwcWindow(fn, {
        ...base, fill: fillRow(ctx, shape.C, -Infinity),
        // f32x4.max costs ~7 instructions on x86, pmax one: NaN inputs are tracked in a mask
        // instead (v >= -Infinity fails only for NaN) and put back at the end, as in pool.ts.
        tap: (acc, v) => (acc ? fn.vpmax(acc, v) : v),
        side: {
          of: (v) => fn.vge(v(), fn.vconst(-Infinity)),
          combine: (a, b) => fn.vand(a, b),
          finish: (acc, ok) => [acc.set(fn.vbitselect(acc.get(), fn.vconst(NaN), ok.get()))],
        },
        finish: () => [],
      });
    }
    const r = reciprocals(node, shape, 2);
    const table = typeof r === 'number' ? undefined : ctx.addWeight(makeTensor('float32', [r.length], r));
    const interiorScale = 1 / (shape.kh * shape.kw);
    return emitNhwcWindow(fn, {
      ...base, fill: fillRow(ctx, shape.C, 0),
      tap: (acc, v) => (acc ? fn.vadd(acc, v) : v),
      spanOutputs: 2, // measured: 256ch@28 3x3 s1 0.17 ms with 4, 0.14 with 2
      finish: (acc, at) => {
        const scale = table === undefined || at.interior
          ? fn.vconst(table === undefined ? (r as number) : interiorScale)
          : fn.vloadSplat(fn.shl(at.pixel(), 2), table);
        return [acc.set(fn.vmul(acc.get(), scale))];
      },
    });
  },
});

/** Channel vectors kept in locals per sweep over the pixels of one image. */
const GLOBAL_BLOCK = 8;

/** Reduces `vectors` channel vectors from byte `c0` over all pixels, then scales and stores them. */
function globalBlock(fn: FnBuilder, x: StaticOperand, y: StaticOperand, accs: Local[], ctx: { n: Local; p: Local; max: boolean; HW: number; C: number }, c0: () => Expr, vectors: number, lastLanes: number): Expr[] {
  const { n, p, max, HW, C } = ctx;
  const pixelPtr = fn.local('i32');
  const combine = max ? fn.vmax.bind(fn) : fn.vadd.bind(fn);
  const read = (k: number) => fn.vload(fn.add(pixelPtr.get(), c0()), x.addr + 16 * k);
  const out: Expr[] = [];
  for (let k = 0; k < vectors; k++) {
    const v = max ? accs[k]!.get() : fn.vmul(accs[k]!.get(), fn.vconst(1 / HW));
    const at = () => fn.add(fn.mul(n.get(), 4 * C), c0());
    const lanes = k === vectors - 1 ? lastLanes : 4;
    if (lanes === 4) out.push(fn.vstore(at(), v, y.addr + 16 * k));
    else {
      const t = fn.local('v128');
      out.push(t.set(v), ...Array.from({ length: lanes }, (_, l) => fn.vstoreLane(at(), t.get(), l, y.addr + 16 * k + 4 * l)));
    }
  }
  return [
    pixelPtr.set(fn.mul(n.get(), HW * 4 * C)),
    ...accs.slice(0, vectors).map((a, k) => a.set(read(k))),
    fn.for(p, 1, HW, 1, [
      pixelPtr.set(fn.add(pixelPtr.get(), 4 * C)),
      ...accs.slice(0, vectors).map((a, k) => a.set(combine(a.get(), read(k)))),
    ]),
    ...out,
  ];
}

registerLowering({
  ops: ['NhwcGlobalAveragePool', 'NhwcGlobalMaxPool'],
  lower(context) {
    const ctx = staticView(context);
    const { node, fn } = ctx;
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    checkFloat32(ctx, x, y);
    if (x.dims.length !== 4) unsupported(ctx, `input of rank ${x.dims.length}`);
    const [N, H, W, C] = x.dims as [number, number, number, number];
    const g = { n: fn.local('i32'), p: fn.local('i32'), max: node.op === 'NhwcGlobalMaxPool', HW: H * W, C };
    const accs = Array.from({ length: GLOBAL_BLOCK }, () => fn.local('v128'));
    const c = fn.local('i32');
    // Whole blocks in a loop; the last block (1 to GLOBAL_BLOCK vectors) unrolled, as its last
    // vector may hold fewer than 4 channels.
    const vectors = Math.ceil(C / 4);
    const looped = Math.floor((vectors - 1) / GLOBAL_BLOCK);
    const loopBytes = looped * GLOBAL_BLOCK * 16;
    const perImage: Expr[] = [
      fn.for(c, 0, loopBytes, GLOBAL_BLOCK * 16, globalBlock(fn, x, y, accs, g, () => c.get(), GLOBAL_BLOCK, 4)),
      ...globalBlock(fn, x, y, accs, g, () => fn.i(loopBytes), vectors - looped * GLOBAL_BLOCK, C % 4 || 4),
    ];
    return [fn.for(g.n, 0, N, 1, perImage)];
  },
});
