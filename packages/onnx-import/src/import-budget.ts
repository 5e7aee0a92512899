// Compile-time budgets for the import: a ~1 KB model of nested Loops can unroll to a billion
// nodes, and a few MB of protobuf can declare millions of nodes. Each budget is checked as the
// import goes (before the work it would allow), and running out is a LimitError naming the
// limit, the node and the option that raises it, instead of a heap exhaustion minutes later.
import { CompileError, LimitError } from '@onnx2wasm/ir';

export interface ImportLimits {
  /** IR nodes in the imported graph, after expanding ops and unrolling loops. */
  maxNodes?: number;
  /** Loop and Scan iterations unrolled in total, counting nested loops as the product of their trip counts. */
  maxUnrolledIterations?: number;
  /** How deeply If/Loop/Scan bodies may nest. */
  maxSubgraphDepth?: number;
  /** Size of the .onnx file in bytes. */
  maxModelBytes?: number;
  /**
   * Elements of repeated number fields in the protobuf (dims, int64_data, float_data, ints …),
   * counted before decoding: each becomes a JS value.
   */
  maxRepeatedElements?: number;
}

export const DEFAULT_LIMITS: Required<ImportLimits> = {
  maxNodes: 1_000_000,
  maxUnrolledIterations: 100_000,
  maxSubgraphDepth: 32,
  maxModelBytes: 2 ** 31,
  maxRepeatedElements: 64 * 2 ** 20,
};

interface Budget { limits: Required<ImportLimits>; unrolled: number; factors: number[] }
let active: Budget | undefined;

/** The limits in force (the defaults outside an import). */
export function currentLimits(): Required<ImportLimits> {
  return active?.limits ?? DEFAULT_LIMITS;
}

/** Checks `limits` (INVALID_OPTION for an unknown name or a bad number) and fills in defaults. */
export function resolveLimits(limits: ImportLimits = {}): Required<ImportLimits> {
  const out = { ...DEFAULT_LIMITS };
  for (const [k, v] of Object.entries(limits)) {
    if (v === undefined) continue;
    if (!(k in DEFAULT_LIMITS)) throw new CompileError('INVALID_OPTION', `unknown limit '${k}' (limits: ${Object.keys(DEFAULT_LIMITS).join(', ')})`);
    if (!(typeof v === 'number' && v >= 0 && (Number.isSafeInteger(v) || v === Infinity))) throw new CompileError('INVALID_OPTION', `limit '${k}' must be a non-negative integer or Infinity, got ${String(v)}`);
    (out as Record<string, number>)[k] = v;
  }
  return out;
}

/** Runs an import under `limits`; nested imports (value-variant builds) share nothing. */
export function withBudget<T>(limits: Required<ImportLimits>, fn: () => T): T {
  const outer = active;
  active = { limits, unrolled: 0, factors: [] };
  try { return fn(); } finally { active = outer; }
}

/** After a node's handler: the graph must still be within maxNodes. */
export function chargeNodes(count: number, node: { name: string; opType: string }): void {
  const max = currentLimits().maxNodes;
  if (count > max) throw new LimitError('maxNodes', count, max, 'the imported graph has more IR nodes than allowed, after expanding ops and unrolling loops', { node: node.name, op: node.opType });
}

/** Before inlining a body: nesting depth `depth` (1 for a body of a top-level node) must be allowed. */
export function checkDepth(depth: number, node: { name: string; opType: string }): void {
  const max = currentLimits().maxSubgraphDepth;
  if (depth > max) throw new LimitError('maxSubgraphDepth', depth, max, 'If/Loop/Scan bodies nest deeper than allowed', { node: node.name, op: node.opType });
}

/**
 * Runs `fn`, which unrolls `iterations` copies of a body, inside the loops being unrolled around
 * it: the product of all trip counts, and the total over the import, must stay within
 * maxUnrolledIterations. `iterations` may be Infinity (a loop ended by its condition): each
 * copy is then charged as it is made (see chargeIteration).
 */
export function unrolling<T>(iterations: number, node: { name: string; opType: string }, fn: () => T): T {
  const b = active;
  if (!b) return fn();
  const max = b.limits.maxUnrolledIterations;
  const outer = b.factors.reduce((a, f) => a * f, 1);
  if (Number.isFinite(iterations) && outer * iterations > max) {
    throw new LimitError('maxUnrolledIterations', outer * iterations, max, `unrolling ${iterations} iterations${b.factors.length ? ` inside loops unrolled ${b.factors.join(' × ')} times` : ''} makes more body copies than allowed`, { node: node.name, op: node.opType });
  }
  b.factors.push(Number.isFinite(iterations) ? iterations : 1);
  try { return fn(); } finally { b.factors.pop(); }
}

/** One body copy made: the running total over the import must stay within maxUnrolledIterations. */
export function chargeIteration(node: { name: string; opType: string }): void {
  const b = active;
  if (!b) return;
  const max = b.limits.maxUnrolledIterations;
  if (++b.unrolled > max) throw new LimitError('maxUnrolledIterations', b.unrolled, max, 'the model unrolls more loop iterations in total than allowed', { node: node.name, op: node.opType });
}
