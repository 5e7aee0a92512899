// GridSample(X, grid) {mode, padding_mode, align_corners} (opsets 16, 20, 22): X is [N, C, in…],
// grid [N, out…, R] holds normalized coordinates in [-1, 1], last spatial axis first (x, y, z).
// Per output position and spatial axis:
//   x = (g + 1) / 2 · (d - 1) with align_corners, else ((g + 1) · d - 1) / 2;
//   nearest rounds x half to even (what the ONNX test data does for 2 and 3 spatial axes);
//   outside [lo, hi] ([0, d-1] with align_corners, else [-0.5, d-0.5]) 'border' clamps x to
//   [0, d-1] and 'reflection' reflects it back between lo and hi;
//   taps: nearest x; linear floor(x) + {0, 1}; cubic floor(x) + {-1 … 2} (Keys, A = -0.75);
//   a tap outside the input reads 0 ('zeros'), the edge ('border') or its reflection ('reflection').
// The output is the sum over the taps of all axes of the weight product times X.
import { Node } from '../graph.js';
import { OpDef, attrInt, attrString, expectDType, fail, input, registerOp } from '../op-registry.js';
import { makeTensor, sizeOf, stridesOf } from '../tensor.js';

export type GridMode = 'nearest' | 'linear' | 'cubic';
export type GridPadding = 'zeros' | 'border' | 'reflection';

export function gridSampleModes(node: Node): { mode: GridMode; padding: GridPadding; alignCorners: boolean } {
  const raw = attrString(node, 'mode');
  const mode = raw === 'bilinear' ? 'linear' : raw === 'bicubic' ? 'cubic' : raw;
  if (mode !== 'nearest' && mode !== 'linear' && mode !== 'cubic') fail(node, `mode '${raw}' is not supported`, 'INVALID_ATTRIBUTE');
  const padding = attrString(node, 'padding_mode');
  if (padding !== 'zeros' && padding !== 'border' && padding !== 'reflection') fail(node, `padding_mode '${padding}' is not supported`, 'INVALID_ATTRIBUTE');
  return { mode, padding, alignCorners: attrInt(node, 'align_corners') !== 0 };
}

/** Reflects x into [lo, hi] by the nearer border, repeatedly. */
export function reflect(x: number, lo: number, hi: number): number {
  const range = hi - lo;
  if (range === 0) return lo;
  if (x < lo) {
    const dx = lo - x, n = Math.trunc(dx / range), r = dx - n * range;
    return n % 2 === 0 ? lo + r : hi - r;
  }
  if (x > hi) {
    const dx = x - hi, n = Math.trunc(dx / range), r = dx - n * range;
    return n % 2 === 0 ? hi - r : lo + r;
  }
  return x;
}

export function cubicWeights(t: number): number[] {
  const A = -0.75;
  const near = (x: number) => ((A + 2) * x - (A + 3)) * x * x + 1;
  const far = (x: number) => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  return [far(t + 1), near(t), near(1 - t), far(2 - t)];
}

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export const gridSample: OpDef = {
  name: 'GridSample',
  group: 'movement',
  description: 'samples X at normalized grid coordinates (nearest / linear / cubic, zeros / border / reflection padding)',
  infer(ctx) {
    const { node } = ctx;
    expectDType(ctx, 0, ['float32']);
    expectDType(ctx, 1, ['float32']);
    const x = input(ctx, 0).shape, g = input(ctx, 1).shape;
    const R = x.length - 2;
    if (R < 1 || g.length !== x.length || (typeof g[g.length - 1] === 'number' && g[g.length - 1] !== R)) fail(node, `grid [${g}] must be [N, out…, ${R}] for X [${x}]`);
    gridSampleModes(node);
    return [{ dtype: 'float32', shape: [x[0]!, x[1]!, ...g.slice(1, -1)] }];
  },
  evaluate(node, [x, grid]) {
    const { mode, padding, alignCorners } = gridSampleModes(node);
    const [N, C] = x!.dims as [number, number];
    const inSp = x!.dims.slice(2), outSp = grid!.dims.slice(1, -1), R = inSp.length;
    const P = sizeOf(outSp), inPlane = sizeOf(inSp), inStr = stridesOf(inSp);
    const X = x!.data as Float32Array, G = grid!.data as Float32Array;
    const y = makeTensor('float32', [N, C, ...outSp]);
    const Y = y.data as Float32Array;
    for (let n = 0; n < N; n++) for (let p = 0; p < P; p++) {
      // Per axis: tap offsets (or -1 for a zero tap) and weights.
      const taps = inSp.map((d, a) => {
        const g = G[(n * P + p) * R + (R - 1 - a)]!;
        // float32 steps, as the ONNX reference computes them
        const f = Math.fround;
        let v = alignCorners ? f(f(f(g + 1) / 2) * (d - 1)) : f(f(f(f(g + 1) * d) - 1) / 2);
        if (mode === 'nearest') v = roundHalfEven(v);
        const lo = alignCorners ? 0 : -0.5, hi = alignCorners ? d - 1 : d - 0.5;
        if (v < lo || v > hi) v = padding === 'border' ? Math.min(Math.max(v, 0), d - 1) : padding === 'reflection' ? reflect(v, lo, hi) : v;
        const i0 = Math.floor(v), t = v - i0;
        const [first, w] = mode === 'nearest' ? [Math.trunc(v), [1]] : mode === 'linear' ? [i0, [1 - t, t]] : [i0 - 1, cubicWeights(t)];
        return w.map((wk, k) => {
          let i = first + k;
          if (i < 0 || i >= d) {
            if (padding === 'zeros') return { off: -1, w: wk };
            i = padding === 'border' ? Math.min(Math.max(i, 0), d - 1) : Math.trunc(reflect(i, lo, hi));
          }
          return { off: i * inStr[a]!, w: wk };
        });
      });
      for (let c = 0; c < C; c++) {
        const sum = (a: number, off: number): number => {
          if (a === R) return X[(n * C + c) * inPlane + off]!;
          let s = 0;
          for (const t of taps[a]!) if (t.off >= 0) s += t.w * sum(a + 1, off + t.off);
          return s;
        };
        Y[(n * C + c) * P + p] = sum(0, 0);
      }
    }
    return [y];
  },
};

registerOp(gridSample);
