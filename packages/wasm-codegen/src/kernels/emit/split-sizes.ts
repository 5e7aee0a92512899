// Split whose `split` sizes are an input known only at run time: each piece's length along the
// axis is a value-dependent dim (bounded by the axis length). The kernel reads the sizes, checks
// that none is negative and that they add up to the axis, writes them into the dims table, and
// cuts with the shared split code, its dims evaluated with the sizes just read. A bad `split`
// stops the run before anything is written (-1 in the first piece's slot: SHAPE_OUT_OF_BOUNDS).
import { Dim, Node, computedDimSymbol, dimTerms, normalizeAxis, splitAttrs } from '@onnx2wasm/ir';
import { ComputedDim, LowerContext } from '../../lowering.js';
import { Expr, I32 } from '../../wasm-builder.js';
import { clampedCount } from './dynamic-util.js';

/** The pieces' sizes as value-dependent dims, when inference made them so (a run-time `split`). */
export function splitComputedDims(node: Node, inputs: ({ shape: Dim[] } | undefined)[], outputs: { shape: Dim[] }[]): ComputedDim[] {
  if (!inputs[1]) return [];
  const axis = normalizeAxis(node, splitAttrs(node).axis, inputs[0]!.shape.length);
  const symbols = node.outputs.map((_, k) => computedDimSymbol(node, `part${k}`));
  if (!outputs.every((o, k) => o.shape[axis] === symbols[k])) return [];
  return symbols.map((symbol) => ({ symbol, bound: inputs[0]!.shape[axis]! }));
}

/** The run-time-sizes form; `cut` is the shared split kernel taking a dim evaluator. */
export function lowerSplitSizes(ctx: LowerContext, cut: (dim: (d: Dim) => I32) => Expr[]): Expr[] {
  const { fn, node } = ctx;
  const x = ctx.inputs[0]!, sizes = ctx.inputs[1]!;
  const axis = normalizeAxis(node, splitAttrs(node).axis, x.shape.length);
  const parts = splitComputedDims(node, ctx.inputs, ctx.outputs);
  const locals = parts.map(() => fn.local('i32'));
  const bySymbol = new Map(parts.map((p, k) => [p.symbol, locals[k]!]));
  const sum = fn.local('i32'), bad = fn.local('i32');
  const read = locals.flatMap((l, k) => [
    l.set(clampedCount(fn, () => fn.loadI64(fn.add(sizes.addr(), k * 8)))),
    bad.set(fn.or(bad.get(), fn.ltS(l.get(), 0))),
    sum.set(fn.add(sum.get(), l.get())),
  ]);
  // Dims over the input symbols come from the table; the pieces' own sizes from the locals.
  const dim = (d: Dim): I32 => {
    if (typeof d === 'number' || !dimTerms(d).some((t) => t.symbols.some((s) => bySymbol.has(s)))) return ctx.dim(d);
    let total: I32 = 0;
    for (const t of dimTerms(d)) {
      let term: I32 = t.coef;
      for (const s of t.symbols) term = fn.mul(term, bySymbol.has(s) ? bySymbol.get(s)!.get() : ctx.dim(s));
      total = fn.add(total, term);
    }
    return total;
  };
  return [
    sum.set(fn.i(0)), bad.set(fn.i(0)),
    ...read,
    fn.if(fn.or(bad.get(), fn.ne(sum.get(), x.dim(axis))), [ctx.setDim(parts[0]!.symbol, fn.i(-1)), fn.failCheck()]),
    ...parts.map((p, k) => ctx.setDim(p.symbol, locals[k]!.get())),
    ...cut(dim),
  ];
}
