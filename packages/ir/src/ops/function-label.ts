// Unary, Binary and Reduce IR nodes carry the function they compute (an id of the function
// tables, e.g. 'Relu', 'Add', 'ReduceSum') in attribute `fn`; every other op is named by `op`
// alone. These helpers read that without knowing the tables, so errors, passes and kernels can
// name or match "the Add node" whichever op it is.
import { Node } from '../graph.js';

type Named = Pick<Node, 'op' | 'attrs'>;

/** The function a Unary, Binary or Reduce node computes; undefined for every other op. */
export function fnOf(n: Named): string | undefined {
  return n.op === 'Unary' || n.op === 'Binary' || n.op === 'Reduce' ? String(n.attrs.fn) : undefined;
}

/** What a node computes, for messages, kernel names and matching: its function id, else its op. */
export function opLabel(n: Named): string {
  return fnOf(n) ?? n.op;
}

/** Whether `n` is a Unary, Binary or Reduce node computing one of `ids`. */
export function isFn<T extends Named>(n: T | undefined, ...ids: string[]): n is T {
  const f = n && fnOf(n);
  return f !== undefined && ids.includes(f);
}
