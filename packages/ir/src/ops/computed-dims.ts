// Value-dependent dims: an op whose output shape depends on tensor values known only at run time
// (NonZero's count, TopK's run-time k) gives that dim a symbol of its own. Its kernel computes the
// value during the run and writes it into the run-time dims table; downstream kernels and the
// runtime read it there like a symbol bound from an input dim. The symbol is derived from the node
// name, so re-running inference after a pass gives the same symbol.
import { Node } from '../graph.js';

/** The prefix that marks a symbol computed by a kernel (never bound from an input dim). */
export const COMPUTED_DIM_PREFIX = 'rt_';

/** The symbol of value-dependent dim `what` ('count', 'k') of this node: `rt_<node>_<what>`. */
export function computedDimSymbol(node: Pick<Node, 'name'>, what: string): string {
  const base = node.name.replace(/[^A-Za-z0-9_]/g, '_') || 'node';
  return `${COMPUTED_DIM_PREFIX}${base}_${what}`;
}

export function isComputedDimSymbol(s: string): boolean {
  return s.startsWith(COMPUTED_DIM_PREFIX);
}
