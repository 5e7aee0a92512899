// The general N-D sliding window (3-D and up, and MaxPool with its Indices output): scalar f32
// loops over every output position and every tap, with a bounds check per tap instead of a padded
// copy. The 1-D and 2-D ops take the SIMD plane kernels (window-core.ts); this path trades speed
// for covering any rank with one small loop nest.
import { Node, sizeOf, stridesOf, windowAttrs } from '@onnx2wasm/ir';
import { Expr, FnBuilder, Local } from '../../wasm-builder.js';

export interface NdGeometry {
  inSp: number[]; outSp: number[];
  kernel: number[]; strides: number[]; dilations: number[];
  /** Begin pads of every axis, then end pads. */
  pads: number[];
  /** Strides of a second tap offset `index` (MaxPool's column-major Indices); none by default. */
  indexStrides?: number[];
}

export function ndGeometry(node: Node, inDims: number[], outDims: number[], kernel: number[]): NdGeometry {
  return {
    inSp: inDims.slice(2), outSp: outDims.slice(2), kernel,
    ...windowAttrs(node),
  };
}

/** What one tap sees: its element offset in the input plane, tap index, and i32 flags. */
export interface TapAt {
  /** Element offset of the tap in its input plane (garbage when outside). */
  xi: Local;
  /** Offset of the tap under `indexStrides` (equal to xi without them). */
  index: Local;
  /** Flat tap index in the kernel (row-major over the window axes). */
  t: Local;
  /** 1 when the tap lies inside the input. */
  inside: Local;
  /** 1 when the tap lies inside the padded input (for count_include_pad). */
  insidePadded: Local;
}

/**
 * Loops over the output positions of one plane (flat index `oi`, row-major) and, for each, runs
 * `perOutput.begin`, then `perOutput.tap` for every window tap, then `perOutput.end`.
 */
export function emitNdWindow(fn: FnBuilder, g: NdGeometry, oi: Local, perOutput: {
  begin(): Expr[]; tap(at: TapAt): Expr[]; end(): Expr[];
}): Expr[] {
  const rank = g.inSp.length;
  const inStr = stridesOf(g.inSp), kStr = stridesOf(g.kernel);
  const o = g.outSp.map(() => fn.local('i32')), k = g.kernel.map(() => fn.local('i32'));
  const pos = g.kernel.map(() => fn.local('i32'));
  const idxStr = g.indexStrides;
  const idxA = g.kernel.map(() => fn.local('i32')), index = fn.local('i32');
  const xi = fn.local('i32'), t = fn.local('i32'), inside = fn.local('i32'), insidePadded = fn.local('i32');
  // Per axis a: position, then running offset / tap index / flags over axes 0..a (locals per axis so inner loops restart from the outer values).
  const xiA = g.kernel.map(() => fn.local('i32')), tA = g.kernel.map(() => fn.local('i32'));
  const inA = g.kernel.map(() => fn.local('i32')), padA = g.kernel.map(() => fn.local('i32'));
  const prev = (arr: Local[], a: number, first: number): Expr => (a === 0 ? fn.i(first) : arr[a - 1]!.get());

  const tapLoop = (a: number): Expr[] => {
    const pb = g.pads[a]!, pe = g.pads[a + rank]!, size = g.inSp[a]!;
    const body: Expr[] = [
      pos[a]!.set(fn.add(fn.sub(fn.mul(o[a]!.get(), g.strides[a]!), pb), fn.mul(k[a]!.get(), g.dilations[a]!))),
      xiA[a]!.set(fn.add(prev(xiA, a, 0), fn.mul(pos[a]!.get(), inStr[a]!))),
      ...(idxStr ? [idxA[a]!.set(fn.add(prev(idxA, a, 0), fn.mul(pos[a]!.get(), idxStr[a]!)))] : []),
      tA[a]!.set(fn.add(prev(tA, a, 0), fn.mul(k[a]!.get(), kStr[a]!))),
      // Unsigned compares: a negative position wraps to a huge number and fails the bound.
      inA[a]!.set(fn.and(prev(inA, a, 1), fn.ltU(pos[a]!.get(), size))),
      padA[a]!.set(fn.and(prev(padA, a, 1), fn.ltU(fn.add(pos[a]!.get(), pb), size + pb + pe))),
    ];
    if (a + 1 < rank) body.push(...tapLoop(a + 1));
    else {
      body.push(xi.set(xiA[a]!.get()), t.set(tA[a]!.get()), inside.set(inA[a]!.get()), insidePadded.set(padA[a]!.get()));
      body.push(index.set((idxStr ? idxA : xiA)[a]!.get()));
      body.push(...perOutput.tap({ xi, index, t, inside, insidePadded }));
    }
    return [fn.for(k[a]!, 0, g.kernel[a]!, 1, body)];
  };
  const outLoop = (a: number): Expr[] => {
    if (a === rank) return [...perOutput.begin(), ...tapLoop(0), ...perOutput.end(), oi.set(fn.add(oi.get(), 1))];
    return [fn.for(o[a]!, 0, g.outSp[a]!, 1, outLoop(a + 1))];
  };
  return outLoop(0);
}

/** Elements of one input / output plane. */
export function planeSizes(g: NdGeometry): { planeIn: number; planeOut: number; taps: number } {
  return { planeIn: sizeOf(g.inSp), planeOut: sizeOf(g.outSp), taps: sizeOf(g.kernel) };
}
