// MaxPool and AveragePool (1-D and 2-D, float32) on the shared sliding-window loop; 3-D and up,
// MaxPool with Indices and other dtypes take the scalar N-D loop of pool-nd.ts. Max pads with
// -Infinity so the border never wins; average pads with 0 and multiplies by 1/count, where count
// is the same for every output when possible and otherwise comes from a per-output table built at
// compile time (borders with count_include_pad=0, ceil_mode overhangs).
import { Node, attrInt, attrInts, makeTensor } from '@onnx2wasm/ir';
import { registerLowering } from '../lowering.js';
import { Expr, Local } from '../wasm-builder.js';
import { lowerPoolNd } from './pool-nd.js';
import { PlaneShape, emitWindowKernel, paddedPlaneBytes, planeShape, readsInPlace } from './window-core.js';

/** The plane shape for the SIMD kernel, or undefined for the N-D path (3-D and up, MaxPool's Indices wanted, or not float32). */
function shapeOf(node: Node, x: { dims: number[]; dtype: string }, y: { dims: number[] }): PlaneShape | undefined {
  if (node.outputs[1] || x.dtype !== 'float32') return undefined;
  return planeShape(node, x.dims, y.dims, attrInts(node, 'kernel_shape'));
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
function reciprocals(node: Node, s: PlaneShape, rank: number): number | Float32Array {
  const includePad = attrInt(node, 'count_include_pad', 0) !== 0;
  const pads = attrInts(node, 'pads', new Array(2 * rank).fill(0));
  const padBottom = rank === 2 ? pads[2]! : 0, padRight = pads[2 * rank - 1]!;
  const ys = axisCounts(s.H, s.OH, s.kh, s.sh, s.dh, s.pt, padBottom, includePad);
  const xs = axisCounts(s.W, s.OW, s.kw, s.sw, s.dw, s.pl, padRight, includePad);
  const table = new Float32Array(s.OH * s.OW);
  for (let i = 0; i < s.OH; i++) for (let j = 0; j < s.OW; j++) table[i * s.OW + j] = 1 / (ys[i]! * xs[j]!);
  return table.every((v) => v === table[0]) ? table[0]! : table;
}


registerLowering({
  ops: ['MaxPool', 'AveragePool'],
  scratchBytes(node, [x], [y]) {
    const s = shapeOf(node, x!, y!);
    return s && !readsInPlace(s) ? paddedPlaneBytes(s) : 0;
  },
  lower(ctx) {
    const { node, fn } = ctx;
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    const shape = shapeOf(node, x, y);
    if (!shape) return lowerPoolNd(ctx, x, y, attrInts(node, 'kernel_shape'));
    const [N, C] = x.dims as [number, number];
    const max = node.op === 'MaxPool';
    let finish: ((acc: Local, at: { oy: Local; ox: Local }) => Expr[]) | undefined;
    if (!max) {
      const r = reciprocals(node, shape, x.dims.length - 2);
      if (typeof r === 'number') {
        if (r !== 1) finish = (acc) => [acc.set(fn.vmul(acc.get(), fn.vconst(r)))];
      } else {
        // Partial last vectors read up to 3 floats past the table; weights are padded to 16 bytes.
        const table = ctx.addWeight(makeTensor('float32', [r.length], r));
        finish = (acc, at) => [acc.set(fn.vmul(acc.get(), fn.vload(fn.shl(fn.add(fn.mul(at.oy.get(), shape.OW), at.ox.get()), 2), table)))];
      }
    }
    if (max) {
      // f32x4.max is NaN-propagating but costs ~10 instructions on x86; pmax is one. NaN inputs are
      // tracked in a mask instead and put back at the end, so results still follow the reference.
      // ok = every tap so far is a number (x >= -Infinity fails only for NaN).
      const ok = fn.local('v128');
      const isNumber = (v: () => Expr) => fn.vge(v(), fn.vconst(-Infinity));
      finish = (acc) => [acc.set(fn.vbitselect(acc.get(), fn.vconst(NaN), ok.get()))];
      return emitWindowKernel(fn, {
        shape, N, C, x: x.addr, y: y.addr, fill: -Infinity, identity: -Infinity, scratch: ctx.scratch,
        tap: (acc, v) => (acc ? fn.vpmax(acc, v()) : v()),
        sideTap: (v, first) => ok.set(first ? isNumber(v) : fn.vand(ok.get(), isNumber(v))),
        finish,
      });
    }
    return emitWindowKernel(fn, {
      shape, N, C, x: x.addr, y: y.addr, fill: 0, identity: 0, scratch: ctx.scratch,
      tap: (acc, v) => (acc ? fn.vadd(acc, v()) : v()),
      finish,
    });
  },
});
