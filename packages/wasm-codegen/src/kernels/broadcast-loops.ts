// Loop nests over a broadcast output: the outer dims are walked with per-input strides, and the
// longest inner run in which every input is either contiguous or constant becomes one flat loop
// that kernels vectorize.
import { stridesOf } from '@onnx2wasm/ir';
import { Expr, FnBuilder, Local } from '../wasm-builder.js';

export interface BroadcastInput { dims: number[] }

export interface InnerRun {
  /** Elements in the inner run. */
  length: number;
  /** Per input: true when the input is one value over the whole run (broadcast). */
  scalar: boolean[];
}

/** Pads dims on the left to the output rank. */
function padded(dims: number[], rank: number): number[] {
  return [...new Array(rank - dims.length).fill(1), ...dims];
}

/**
 * Emits `for outer index { body(elementOffsets, run) }`: `elementOffsets[k]` is a local holding
 * input k's element offset at the start of the run (the output's is the last entry).
 */
export function broadcastLoops(
  fn: FnBuilder, outDims: number[], inputs: BroadcastInput[],
  body: (offsets: (() => Expr)[], run: InnerRun) => Expr[],
): Expr[] {
  const rank = outDims.length;
  const ins = inputs.map((i) => padded(i.dims, rank));
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
  const length = outDims.slice(split).reduce((a, b) => a * b, 1);
  const run: InnerRun = { length, scalar: mode.map((m) => m === 'one' || m === 'any') };

  const outStrides = stridesOf(outDims);
  const inStrides = ins.map((dims) => stridesOf(dims).map((s, d) => (dims[d] === 1 ? 0 : s)));
  const offsets: Local[] = [...ins.map(() => fn.local('i32')), fn.local('i32')];
  const outer = outDims.slice(0, split);
  if (outer.length === 0 || outer.every((d) => d === 1)) {
    return [...offsets.map((o) => o.set(fn.i(0))), ...body(offsets.map((o) => () => o.get()), run)];
  }
  // Nested loops over the outer dims, each adding its stride to every offset.
  const idx = outer.map(() => fn.local('i32'));
  const strides = [...inStrides, outStrides];
  const build = (d: number, bases: (() => Expr)[]): Expr[] => {
    if (d === outer.length) {
      return [...offsets.map((o, k) => o.set(bases[k]!())), ...body(offsets.map((o) => () => o.get()), run)];
    }
    if (outer[d] === 1) return build(d + 1, bases);
    const next = strides.map((s, k) => () => fn.add(bases[k]!(), fn.mul(idx[d]!.get(), s[d]!)));
    return [fn.for(idx[d]!, 0, outer[d]!, 1, build(d + 1, next))];
  };
  return build(0, strides.map(() => () => fn.i(0)));
}
