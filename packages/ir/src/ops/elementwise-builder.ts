// Builds the IR node that computes an elementwise function: `elementwiseNode('Add', …)` is a
// Binary node with fn 'Add'. Names that are not function ids (Clip, Where, Conv, …) are ops and
// build a node of that op, so callers that emit "an op or a function" need no case split.
import { Attrs, Node } from '../graph.js';
import { isBinaryFunction } from './binary.js';
import { isUnaryFunction } from './unary.js';

/** 'Unary' or 'Binary' for a function id, undefined for anything else. */
export function elementwiseOpFor(id: string): 'Unary' | 'Binary' | undefined {
  return isUnaryFunction(id) ? 'Unary' : isBinaryFunction(id) ? 'Binary' : undefined;
}

/** The node computing `opOrFn`: a Unary/Binary node for a function id (its attributes after `fn`), else a node of that op. */
export function elementwiseNode(name: string, opOrFn: string, inputs: string[], outputs: string[], attrs: Attrs = {}): Node {
  const op = elementwiseOpFor(opOrFn);
  return op ? { name, op, inputs, outputs, attrs: { fn: opOrFn, ...attrs } } : { name, op: opOrFn, inputs, outputs, attrs };
}
