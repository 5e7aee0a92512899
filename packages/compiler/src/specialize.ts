// --specialize seq=1,128: copies of the optimized graph with some symbols fixed, compiled next to
// the generic build in the same module; the runtime runs a copy when a run's dims match it.
import { CompileError, Dim, Graph, cloneGraph, dimFromTerms, dimTerms, dimsAttr } from '@onnx2wasm/ir';
import { LayoutMode, optimize } from '@onnx2wasm/optimizer';
import { keepsNchw } from '@onnx2wasm/wasm-codegen';

const MAX_VARIANTS = 16;

/** `d` with the symbols in `env` replaced by their values. */
export function substituteDim(d: Dim, env: Record<string, number>): Dim {
  if (typeof d === 'number') return d;
  return dimFromTerms(dimTerms(d).map((t) => {
    let coef = t.coef;
    const symbols = t.symbols.filter((s) => {
      if (env[s] === undefined) return true;
      coef *= env[s]!;
      return false;
    });
    return { coef, symbols };
  }));
}

/** Every combination of the listed values, e.g. { seq: [1, 128] } → [{ seq: 1 }, { seq: 128 }]. */
function combinations(spec: Record<string, number[]>): Record<string, number>[] {
  let out: Record<string, number>[] = [{}];
  for (const [sym, values] of Object.entries(spec)) out = out.flatMap((e) => values.map((v) => ({ ...e, [sym]: v })));
  return out;
}

export function specializedVariants(g: Graph, spec: Record<string, number[]>, symbols: Set<string>, layout?: LayoutMode): { graph: Graph; when: Record<string, number> }[] {
  for (const [sym, values] of Object.entries(spec)) {
    if (!symbols.has(sym)) throw new CompileError('INVALID_OPTION', `specialize: '${sym}' is not a symbolic input dim of this model (symbolic dims: ${[...symbols].join(', ') || 'none'})`);
    if (!Array.isArray(values) || !values.length || !values.every((v) => Number.isSafeInteger(v) && v >= 1)) {
      throw new CompileError('INVALID_OPTION', `specialize['${sym}'] must be a list of positive integers, got ${JSON.stringify(values)}`);
    }
  }
  const envs = combinations(spec);
  if (envs.length > MAX_VARIANTS) throw new CompileError('INVALID_OPTION', `specialize asks for ${envs.length} combinations; at most ${MAX_VARIANTS} (each is a full copy of the model's code)`);
  return envs.map((env) => {
    const c = cloneGraph(g);
    for (const [v, t] of c.types) c.types.set(v, { dtype: t.dtype, shape: t.shape.map((d) => substituteDim(d, env)) });
    for (const n of c.nodes) if (n.op === 'Dims') n.attrs = { ...n.attrs, dims: dimsAttr(n).map((d) => substituteDim(d, env)) as number[] };
    // Fixed dims fold shape values into constants and may enable static-only rewrites.
    return { graph: optimize(c, { keepsNchw, layout }).graph, when: env };
  });
}
