// The `nondeterministic` mark the importer puts on nodes whose value must be computed on every run:
// RandomUniform (unseeded runs differ) and a run-time loop's LoopStart / LoopEnd (their meaning spans
// the loop body). A flag any op may carry rather than one op's attribute, so it has its own reader.
import { Node } from '../graph.js';

/** Whether constant folding and load-time hoisting must leave the node alone. */
export function isNondeterministic(node: Node): boolean {
  return node.attrs.nondeterministic === true;
}
