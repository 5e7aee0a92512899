// Builds the IR node that computes a function: `functionNode('Add', …)` is a Binary node with fn
// 'Add', `functionNode('ReduceSum', …)` a Reduce node with fn 'ReduceSum'. Names that are not
// function ids (Clip, Where, Conv, …) are ops and build a node of that op, so callers that emit
// "an op or a function" need no case split.
import { Attrs, Node } from '../graph.js';
import { isBinaryFunction } from './binary.js';
import { isReduceFunction } from './reduce.js';
import { isUnaryFunction } from './unary.js';

/** The op computing function `id` ('Unary', 'Binary' or 'Reduce'), undefined for anything else. */
export function functionOpFor(id: string): 'Unary' | 'Binary' | 'Reduce' | undefined {
  return isUnaryFunction(id) ? 'Unary' : isBinaryFunction(id) ? 'Binary' : isReduceFunction(id) ? 'Reduce' : undefined;
}

/** The node computing `opOrFn`: a Unary/Binary/Reduce node for a function id (its attributes after `fn`), else a node of that op. */
export function functionNode(name: string, opOrFn: string, inputs: string[], outputs: string[], attrs: Attrs = {}): Node {
  const op = functionOpFor(opOrFn);
  return op ? { name, op, inputs, outputs, attrs: { fn: opOrFn, ...attrs } } : { name, op: opOrFn, inputs, outputs, attrs };
}
