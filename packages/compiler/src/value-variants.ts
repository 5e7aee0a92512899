// Value variants: a model may take a small integer tensor as data whose value a static compiler
// needs (a Reduce's axes, CumSum's axis, TopK's k, Unsqueeze's axes). When the plain compile fails,
// the model is built once per candidate value of such inputs; candidates that fail to build are
// dropped, ones that build the same graph share a build, and the runtime runs the build whose
// values match the run's feeds. The inputs stay inputs of the compiled model.
//
// Candidates (see docs/dynamic-shapes.md): integer (int32/int64) and bool graph inputs with
// static dims. An integer element ranges over [-R, R], where R is the largest rank among the
// model's declared tensors, and for a single-element input (an axis, or a count such as TopK's k)
// also its largest static dim up to 16; a bool element is false or true. Zero-element inputs (of
// any dtype) have one value and are always known. The smallest set of inputs whose candidates
// build wins; at most `maxCandidates` tuples per set.
import { CompileError, DType, Graph, Tensor, makeTensor } from '@onnx2wasm/ir';
import { DecodedModel, DeclaredShape, declaredTypes } from '@onnx2wasm/onnx-import';
import type { ModelMeta, ValueCondition } from '@onnx2wasm/wasm-codegen';
import { publicDims } from '@onnx2wasm/runtime';
import { graphKey } from './value-variant-key.js';

export const MAX_VALUE_CANDIDATES = 64;
/** Dims up to this size count for a single-element input's range (TopK's k up to the dim). */
const MAX_COUNT_DIM = 16;

/**
 * Whether knowing input values could fix `e`: a shape that depends on values (DYNAMIC_SHAPE, from
 * inference or codegen) or an importer handler that needs an input's value (reason VALUE_NEEDED).
 * Any other error (a broken model, an unsupported op) fails the same for every value: no search.
 */
export function valueCouldFix(e: unknown): e is CompileError {
  return e instanceof CompileError && (e.code === 'DYNAMIC_SHAPE' || e.reason === 'VALUE_NEEDED');
}

/** The same complaint: same error class and code, from the same node, about the same input, for the same reason. */
function sameComplaint(a: CompileError, b: CompileError): boolean {
  return a.name === b.name && a.code === b.code && a.node === b.node && a.op === b.op && a.input === b.input && a.reason === b.reason;
}

export interface ValueVariantsSummary {
  /** Inputs compiled per value. */
  inputs: string[];
  /** Zero-element inputs, known from their shape alone. */
  known: string[];
  /** Candidate value tuples tried for `inputs`, and the builds they gave. */
  candidates: number;
  builds: number;
  /** Per build, the values it runs for. */
  values: ValueCondition[];
}

interface Candidate { name: string; dtype: DType; dims: number[]; domain: number[] }

/** Graph inputs that may be compiled per value: static, integer or bool (or empty), not pinned already. */
function candidateInputs(model: DecodedModel, inputShapes: Record<string, unknown[]>, pinned: Set<string>) {
  const declared = declaredTypes(model);
  const shapeOf = (name: string, shape: DeclaredShape): DeclaredShape => (inputShapes[name] ? inputShapes[name]!.map((d) => (typeof d === 'number' ? d : undefined)) : shape);
  const shapes = [...declared.shapes, ...declared.inputs.map((i) => shapeOf(i.name, i.shape))];
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const countDim = Math.max(rank, ...shapes.flat().filter((d): d is number => d !== undefined && d <= MAX_COUNT_DIM));
  const range = (r: number) => Array.from({ length: 2 * r + 1 }, (_, i) => i - r);
  const known: Record<string, Tensor> = {};
  const varying: Candidate[] = [];
  for (const i of declared.inputs) {
    const dims = shapeOf(i.name, i.shape);
    if (pinned.has(i.name) || dims.some((d) => d === undefined)) continue;
    const n = (dims as number[]).reduce((a, d) => a * d, 1);
    if (n === 0) known[i.name] = makeTensor(i.dtype, dims as number[], []);
    else if (i.dtype === 'int32' || i.dtype === 'int64') varying.push({ name: i.name, dtype: i.dtype, dims: dims as number[], domain: range(n === 1 ? countDim : rank) });
    else if (i.dtype === 'bool') varying.push({ name: i.name, dtype: i.dtype, dims: dims as number[], domain: [0, 1] });
  }
  return { known, varying, rank };
}

const tupleCount = (set: Candidate[]) => set.reduce((p, c) => p * c.domain.length ** c.dims.reduce((a, d) => a * d, 1), 1);

/** The value tuples of `set`, in order: per input, its elements in order. */
function* tuples(set: Candidate[]): Generator<number[][]> {
  const sizes = set.map((c) => c.dims.reduce((a, d) => a * d, 1));
  const digits = sizes.reduce((a, b) => a + b, 0);
  const radix = set.flatMap((c, k) => Array(sizes[k]).fill(c.domain.length) as number[]);
  const idx = Array(digits).fill(0) as number[];
  for (;;) {
    let p = 0;
    yield set.map((c, k) => c.domain.length ? idx.slice(p, (p += sizes[k]!)).map((j) => c.domain[j]!) : []);
    let d = digits - 1;
    while (d >= 0 && ++idx[d]! === radix[d]) idx[d--] = 0;
    if (d < 0) return;
  }
}

export interface ValueBuild<T> { result: T; whenValues: ValueCondition }

/**
 * After `failure` of the plain compile: builds per candidate value (`build` imports and optimizes
 * with the inputs known, and checks the graph can be lowered) and returns the distinct builds,
 * or rethrows `failure` (noting inputs over the candidate cap) when no set of inputs works.
 */
export function findValueVariants<T>(
  model: DecodedModel, failure: unknown, build: (known: Record<string, Tensor>) => { result: T; graph: Graph },
  opts: { inputShapes?: Record<string, unknown[]>; pinned: Set<string>; maxCandidates: number },
): { builds: ValueBuild<T>[]; summary: ValueVariantsSummary } {
  if (!valueCouldFix(failure) || opts.maxCandidates < 1) throw failure;
  let inputs: ReturnType<typeof candidateInputs>;
  try { inputs = candidateInputs(model, opts.inputShapes ?? {}, opts.pinned); } catch { throw failure; }
  const { known, varying, rank } = inputs;
  // Every subset of the candidate inputs, fewest tuples first; the empty set tries the known ones alone.
  const sets = Array.from({ length: 2 ** Math.min(varying.length, 8) }, (_, m) => varying.filter((_, k) => m & (1 << k)))
    .filter((s) => s.length || Object.keys(known).length)
    .map((s) => ({ s, count: tupleCount(s) }))
    .sort((a, b) => a.count - b.count || a.s.length - b.s.length);
  let budget = 4 * opts.maxCandidates;
  for (const { s, count } of sets) {
    if (count > opts.maxCandidates || count > budget) continue;
    const groups = new Map<string, { result: T; values: number[][][] }>();
    for (const t of tuples(s)) {
      budget--;
      const values = Object.fromEntries(s.map((c, k) => [c.name, makeTensor(c.dtype, c.dims, t[k]!)]));
      try {
        const { result, graph } = build({ ...known, ...values });
        const key = graphKey(graph);
        const g = groups.get(key) ?? { result, values: [] };
        g.values.push(t);
        groups.set(key, g);
      } catch (e) {
        if (!(e instanceof CompileError)) throw e;
        // Still the plain compile's complaint: these inputs are not (all) the ones it needs.
        if (sameComplaint(e, failure)) break;
      }
    }
    if (!groups.size) continue;
    const builds = [...groups.values()].map((g) => ({ result: g.result, whenValues: condition(s.map((c) => c.name), g.values) }));
    return { builds, summary: { inputs: s.map((c) => c.name), known: Object.keys(known), candidates: count, builds: builds.length, values: builds.map((b) => b.whenValues) } };
  }
  // Named only for inputs that can be an axes or shape list (no longer than the largest rank), not a token-ids input.
  const over = sets.filter((x) => x.count > opts.maxCandidates && x.s.length === 1 && x.s[0]!.dims.reduce((a, d) => a * d, 1) <= Math.max(rank, 1));
  if (over.length) failure.message += `; value variants: ${over.map((x) => `'${x.s[0]!.name}' has ${x.count} candidate values`).join(', ')}, over the limit of ${opts.maxCandidates}: pass its value with constantInputs`;
  throw failure;
}

/** The values of a build, as parallel lists per input: entry i of every list together is one tuple. */
function condition(names: string[], tuples: number[][][]): ValueCondition {
  return Object.fromEntries(names.map((n, k) => [n, tuples.map((t) => t[k]!)]));
}

/** One line for the CLI summary and `inspect`: which inputs were compiled per value, how many builds. */
export function describeValueVariants(v: ValueVariantsSummary): string {
  const per = v.inputs.length ? `${v.inputs.join(', ')} compiled per value: ${v.builds} build${v.builds === 1 ? '' : 's'} from ${v.candidates} candidate values` : '';
  const known = v.known.length ? `${v.known.join(', ')} known from ${v.known.length === 1 ? 'its' : 'their'} empty shape` : '';
  return [per, known].filter(Boolean).join('; ');
}

/**
 * The outputs as the manifest and glue show them: a dim that differs between value builds is named
 * `<output>_d<i>` (the runtime's publicDims, the rule model.outputs applies).
 */
export function publicOutputs(meta: ModelMeta): ModelMeta['outputs'] {
  const others = (meta.variants ?? []).filter((v) => v.whenValues && !Object.keys(v.when).length);
  return meta.outputs.map((o) => ({ ...o, dims: publicDims(o.name, o.dims, others.map((v) => v.outputs.find((x) => x.name === o.name)?.dims ?? [])) }));
}
