// MaxPool and AveragePool (1-D and 2-D, float32) on the shared sliding-window loops (in place for
// strides 1 and 2 without dilation: window-direct.ts; else a padded copy: window-core.ts); 8-bit
// MaxPool has its own vector kernel (int8/max-pool.ts); 3-D and up, MaxPool with Indices and other
// dtypes take the scalar N-D loop of pool-nd.ts. Max pads with
// -Infinity so the border never wins; average pads with 0 and multiplies by 1/count, where count
// is the same for every output when possible and otherwise comes from a per-output table built at
// compile time (borders with count_include_pad=0, ceil_mode overhangs).
import { Node, makeTensor, poolAttrs } from '@onnx2wasm/ir';
import { registerLowering, staticView } from '../../lowering.js';
import { Expr, Local } from '../../wasm-builder.js';
import { lowerPoolNd } from '../emit/pool-nd.js';
import { PlaneShape, emitWindowKernel, paddedPlaneBytes, planeShape, readsInPlace } from '../emit/window-core.js';
import { emitDirectWindowKernel, fitsDirectWindow } from '../emit/window-direct.js';
import { lowerMaxPool8, maxPool8ScratchBytes, maxPool8Shape } from '../int8/max-pool.js';

/** The plane shape for the SIMD kernel, or undefined for the N-D path (3-D and up, MaxPool's Indices wanted, or not float32). */
function shapeOf(node: Node, x: { dims: number[]; dtype: string }, y: { dims: number[] }): PlaneShape | undefined {
  if (node.outputs[1] || x.dtype !== 'float32') return undefined;
  return planeShape(node, x.dims, y.dims, poolAttrs(node).kernelShape);
}

/** Taps of the windows along one axis that count towards the divisor. */
function axisCounts(size: number, out: number, k: number, s: number, d: number, padBegin: number, padEnd: number, includePad: boolean): number[] {
  return Array.from({ length: out }, (_, o) => {
    let n = 0;
    for (let t = 0; t < k; t++) {
      const p = o * s - padBegin + t * d;
      if (includePad ? p >= -padBegin && p < size + padEnd : p >= 0 && p < size) n++;
    }
    return n;
  });
}

/** 1/count per output position ([OH, OW]), or one number when every window counts the same. */
export function reciprocals(node: Node, s: PlaneShape, rank: number): number | Float32Array {
  const { countIncludePad: includePad, pads } = poolAttrs(node);
  const padBottom = rank === 2 ? pads[2]! : 0, padRight = pads[2 * rank - 1]!;
  const ys = axisCounts(s.H, s.OH, s.kh, s.sh, s.dh, s.pt, padBottom, includePad);
  const xs = axisCounts(s.W, s.OW, s.kw, s.sw, s.dw, s.pl, padRight, includePad);
  const table = new Float32Array(s.OH * s.OW);
  for (let i = 0; i < s.OH; i++) for (let j = 0; j < s.OW; j++) table[i * s.OW + j] = 1 / (ys[i]! * xs[j]!);
  return table.every((v) => v === table[0]) ? table[0]! : table;
}


/** Interior output rows per pass of the direct loop. */
const POOL_ROWS = 2;

registerLowering({
  ops: ['MaxPool', 'AveragePool'],
  scratchBytes(node, [x], [y]) {
    const s8 = maxPool8Shape(node, x!, y!);
    if (s8) return maxPool8ScratchBytes(s8);
    const s = shapeOf(node, x!, y!);
    return s && !fitsDirectWindow(s) && !readsInPlace(s) ? paddedPlaneBytes(s) : 0;
  },
  lower(context) {
    const ctx = staticView(context);
    const { node, fn } = ctx;
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    const s8 = maxPool8Shape(node, x, y);
    if (s8) return lowerMaxPool8(ctx, s8);
    const shape = shapeOf(node, x, y);
    if (!shape) return lowerPoolNd(ctx, x, y, poolAttrs(node).kernelShape);
    const [N, C] = x.dims as [number, number];
    const direct = fitsDirectWindow(shape);
    const at = (oy: Local, ox: Local) => fn.shl(fn.add(fn.mul(oy.get(), shape.OW), ox.get()), 2);
    if (node.op === 'MaxPool') {
      // f32x4.max is NaN-propagating but costs ~10 instructions on x86; pmax is one. NaN inputs are
      // tracked in a mask instead and put back at the end, so results still follow the reference.
      // ok = every tap so far is a number (x >= -Infinity fails only for NaN).
      const isNumber = (v: () => Expr) => fn.vge(v(), fn.vconst(-Infinity));
      const restoreNaN = (acc: Local, ok: Local) => [acc.set(fn.vbitselect(acc.get(), fn.vconst(NaN), ok.get()))];
      if (direct) {
        const oks = Array.from({ length: POOL_ROWS }, () => fn.local('v128'));
        return emitDirectWindowKernel(fn, {
          shape, N, C, x: x.addr, y: y.addr, fill: -Infinity, rowsPerPass: POOL_ROWS,
          begin: (r, acc) => [acc.set(fn.vconst(-Infinity)), oks[r]!.set(isNumber(() => fn.vconst(0)))],
          tap: (r, acc, v) => [acc.set(fn.vpmax(acc.get(), v())), oks[r]!.set(fn.vand(oks[r]!.get(), isNumber(v)))],
          finish: (r, acc) => restoreNaN(acc, oks[r]!),
        });
      }
      const ok = fn.local('v128');
      return emitWindowKernel(fn, {
        shape, N, C, x: x.addr, y: y.addr, fill: -Infinity, identity: -Infinity, scratch: ctx.scratch,
        tap: (acc, v) => (acc ? fn.vpmax(acc, v()) : v()),
        sideTap: (v, first) => ok.set(first ? isNumber(v) : fn.vand(ok.get(), isNumber(v))),
        finish: (acc) => restoreNaN(acc, ok),
      });
    }
    // 1/count: one number for every output, or a per-output table (partial last vectors read up
    // to 3 floats past it; weights are padded to 16 bytes).
    const r = reciprocals(node, shape, x.dims.length - 2);
    const table = typeof r === 'number' ? undefined : ctx.addWeight(makeTensor('float32', [r.length], r));
    const scale = (acc: Local, planeByte: () => Expr, off = 0): Expr[] => {
      if (table !== undefined) return [acc.set(fn.vmul(acc.get(), fn.vload(planeByte(), table + off)))];
      return r === 1 ? [] : [acc.set(fn.vmul(acc.get(), fn.vconst(r as number)))];
    };
    if (direct) {
      return emitDirectWindowKernel(fn, {
        shape, N, C, x: x.addr, y: y.addr, fill: 0, rowsPerPass: POOL_ROWS,
        begin: (_, acc) => [acc.set(fn.vconst(0))],
        tap: (_, acc, v) => [acc.set(fn.vadd(acc.get(), v()))],
        finish: (_, acc, a) => scale(acc, () => fn.i(a.planeByte()), a.off),
      });
    }
    return emitWindowKernel(fn, {
      shape, N, C, x: x.addr, y: y.addr, fill: 0, identity: 0, scratch: ctx.scratch,
      tap: (acc, v) => (acc ? fn.vadd(acc, v()) : v()),
      finish: (acc, a) => scale(acc, () => at(a.oy, a.ox)),
    });
  },
});
