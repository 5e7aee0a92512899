// Flatten(x) {axis}: [d0 … d(axis-1)] and [d(axis) … d(r-1)] each collapse to one dim (axis may
// equal the rank, giving [N, 1]; axis 0 gives [1, N]).
import { Node } from '../graph.js';
import { OpDef, attrInt, fail, input, registerOp } from '../op-registry.js';
import { cloneTensor } from '../reference.js';
import { dimProduct } from '../dim-expr.js';

/** Flatten's attribute: the first axis of the second output dim (not yet normalized; may equal the rank). */
export interface FlattenAttrs { axis: number }

export function flattenAttrs(node: Node): FlattenAttrs {
  return { axis: attrInt(node, 'axis') };
}

function flattenAxis(node: Node, rank: number): number {
  const { axis } = flattenAttrs(node);
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a > rank) fail(node, `axis ${axis} is out of range for rank ${rank} (allowed ${-rank}..${rank})`, 'INVALID_ATTRIBUTE');
  return a;
}

export const flatten: OpDef = {
  name: 'Flatten',
  group: 'movement',
  description: 'collapse the dims before and from `axis` into a 2-D shape',
  infer(ctx) {
    const x = input(ctx, 0);
    const a = flattenAxis(ctx.node, x.shape.length);
    return [{ dtype: x.dtype, shape: [dimProduct(x.shape.slice(0, a)), dimProduct(x.shape.slice(a))] }];
  },
  evaluate(node, [x]) {
    const a = flattenAxis(node, x!.dims.length);
    const outer = x!.dims.slice(0, a).reduce((p, d) => p * d, 1);
    const inner = x!.dims.slice(a).reduce((p, d) => p * d, 1);
    return [cloneTensor(x!, [outer, inner])];
  },
  flops: () => 0,
};

registerOp(flatten);
