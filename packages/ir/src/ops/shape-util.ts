// Helpers shared by the movement and shape ops. Inference runs at import time, before constant
// folding has turned computed shape tensors (Shape → Gather → Concat) into constants, so an op
// whose output shape depends on a value not yet known gives that dim a deterministic symbolic name;
// folding re-infers the node once the value is a constant and the name is replaced by a number.
import { DType, INT_DTYPES } from '../dtype.js';
import { Dim, Node } from '../graph.js';
import { InferContext, fail } from '../op-registry.js';
import { Tensor, toNumbers } from '../tensor.js';

/** More axes than any real tensor has: a larger rank comes from a broken model and would only exhaust memory. */
export const MAX_RANK = 64;

/** `rank` symbolic dims, for an output whose rank is known but whose dims are not (yet). */
export function unknownShape(node: Node, rank: number): Dim[] {
  if (rank > MAX_RANK) fail(node, `the output would have rank ${rank}; at most ${MAX_RANK} axes are supported`);
  return Array.from({ length: rank }, (_, i) => unknownDim(node, i));
}

/** A symbolic dim standing for "not known until folding": unique per node and position, and parseable IR text. */
export function unknownDim(node: Node, i: number, output = 0): Dim {
  const base = (node.outputs[output] || node.name).replace(/[^\w]/g, '_').replace(/^_+/, '');
  return `${base}_d${i}`;
}

/** Product of the dims when all are numbers. */
export function staticProduct(dims: readonly Dim[]): number | undefined {
  let p = 1;
  for (const d of dims) {
    if (typeof d !== 'number') return undefined;
    p *= d;
  }
  return p;
}

/** The compile-time value of an integer input (axes, shape, starts), or undefined when computed at run time. */
export function intValues(ctx: InferContext, i: number, what: string): number[] | undefined {
  const t = ctx.values[i];
  if (!t) return undefined;
  if (!INT_DTYPES.includes(t.dtype)) fail(ctx.node, `${what} (input ${i}) must be an integer tensor, got ${t.dtype}`, 'DTYPE_MISMATCH');
  if (t.dims.length > 1) fail(ctx.node, `${what} (input ${i}) must be 1-D, got shape [${t.dims}]`);
  return toNumbers(t);
}

export function expectIntDType(ctx: InferContext, i: number, what: string, allowed: readonly DType[] = ['int32', 'int64']): void {
  const t = ctx.inputs[i];
  if (t && !allowed.includes(t.dtype)) fail(ctx.node, `${what} (input ${i}) has dtype ${t.dtype}; expected ${allowed.join(' or ')}`, 'DTYPE_MISMATCH');
}

/** Normalizes a list of axes against `rank`, rejecting out-of-range and repeated axes. */
export function normalizeAxes(node: Node, axes: readonly number[], rank: number, what = 'axes'): number[] {
  const out = axes.map((a) => {
    const n = a < 0 ? a + rank : a;
    if (!Number.isInteger(n) || n < 0 || n >= rank) fail(node, `${what} value ${a} is out of range for rank ${rank}`, 'INVALID_ATTRIBUTE');
    return n;
  });
  if (new Set(out).size !== out.length) fail(node, `${what} [${axes}] repeats an axis`, 'INVALID_ATTRIBUTE');
  return out;
}

/** A tensor's values as plain numbers (shape tensors, indices). */
export function tensorInts(t: Tensor): number[] { return toNumbers(t); }

/** Like intValues, but also the symbolic contents of a computed shape value (see shape-values.ts). */
export function dimValues(ctx: InferContext, i: number, what: string): Dim[] | undefined {
  return intValues(ctx, i, what) ?? ctx.symbolic?.[i];
}

/** Like intValues, but also computed values whose contents are all known numbers. */
export function knownInts(ctx: InferContext, i: number, what: string): number[] | undefined {
  const v = dimValues(ctx, i, what);
  return v && v.every((d) => typeof d === 'number') ? (v as number[]) : undefined;
}
