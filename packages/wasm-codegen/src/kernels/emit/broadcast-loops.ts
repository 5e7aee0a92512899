// Loop nests over a broadcast output: the outer dims are walked with per-input strides, and the
// longest inner run in which every input is either contiguous or constant becomes one flat loop
// that kernels vectorize. Dims may be symbolic (run-time dims): the nest is decided on the IR dims
// (equal symbolic dims are equal strings, a 1 broadcasts) and extents and strides become i32
// expressions; with static dims every extent and stride folds to a constant.
import { Dim, dimProduct } from '@onnx2wasm/ir';
import { Expr, FnBuilder, I32, Local } from '../../wasm-builder.js';

export interface BroadcastInput { dims: number[] }

export interface InnerRun {
  /** Elements in the inner run. */
  length: number;
  /** Per input: true when the input is one value over the whole run (broadcast). */
  scalar: boolean[];
}

/** An inner run whose length may be known only at run time: call `length()` for every use. */
export interface DimRun {
  length: () => I32;
  scalar: boolean[];
}

/** Pads dims on the left to the output rank. */
function padded(dims: Dim[], rank: number): Dim[] {
  return [...new Array<Dim>(rank - dims.length).fill(1), ...dims];
}

/**
 * Emits `for outer index { body(elementOffsets, run) }`: `elementOffsets[k]` is a local holding
 * input k's element offset at the start of the run (the output's is the last entry).
 */
export function broadcastLoops(
  fn: FnBuilder, outDims: number[], inputs: BroadcastInput[],
  body: (offsets: (() => Expr)[], run: InnerRun) => Expr[],
): Expr[] {
  return broadcastNest(fn, outDims, inputs.map((i) => i.dims), (d) => d as number,
    (offsets, run) => body(offsets, { length: run.length() as number, scalar: run.scalar }));
}

/** `broadcastLoops` over dims that may be symbolic; `dimOf` turns a dim into a (fresh) i32. */
export function broadcastNest(
  fn: FnBuilder, outDims: Dim[], inputs: Dim[][], dimOf: (d: Dim) => I32,
  body: (offsets: (() => Expr)[], run: DimRun) => Expr[],
): Expr[] {
  const rank = outDims.length;
  const ins = inputs.map((dims) => padded(dims, rank));
  // Find the inner suffix where each input is fully contiguous (same dims) or fully broadcast (all 1).
  let split = rank;
  const mode: ('full' | 'one' | 'any')[] = ins.map(() => 'any');
  for (let d = rank - 1; d >= 0; d--) {
    if (outDims[d] === 1) { split = d; continue; }
    let ok = true;
    const next = mode.map((m, k) => {
      const x = ins[k]![d] === 1 ? 'one' : 'full';
      if (m !== 'any' && m !== x) ok = false;
      return x;
    });
    if (!ok) break;
    next.forEach((x, k) => (mode[k] = x as 'full' | 'one'));
    split = d;
  }
  const runDims = dimProduct(outDims.slice(split));
  const run: DimRun = { length: () => dimOf(runDims), scalar: mode.map((m) => m === 'one' || m === 'any') };

  // Element stride of dim d: the product of the dims after it, 0 where the dim broadcasts.
  const strideOf = (dims: Dim[], d: number): Dim => (dims[d] === 1 ? 0 : dimProduct(dims.slice(d + 1)));
  const shapes = [...ins, outDims];
  const offsets: Local[] = shapes.map(() => fn.local('i32'));
  const outer = outDims.slice(0, split);
  if (outer.length === 0 || outer.every((d) => d === 1)) {
    return [...offsets.map((o) => o.set(fn.i(0))), ...body(offsets.map((o) => () => o.get()), run)];
  }
  // Nested loops over the outer dims, each adding its stride to every offset.
  const idx = outer.map(() => fn.local('i32'));
  const build = (d: number, bases: (() => Expr)[]): Expr[] => {
    if (d === outer.length) {
      return [...offsets.map((o, k) => o.set(bases[k]!())), ...body(offsets.map((o) => () => o.get()), run)];
    }
    if (outer[d] === 1) return build(d + 1, bases);
    const next = shapes.map((s, k) => () => fn.add(bases[k]!(), fn.mul(idx[d]!.get(), dimOf(strideOf(s, d)))));
    return [fn.for(idx[d]!, 0, dimOf(outer[d]!), 1, build(d + 1, next))];
  };
  return build(0, shapes.map(() => () => fn.i(0)));
}
