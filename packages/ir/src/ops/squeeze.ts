// Squeeze(x) {axes}: removes the listed dims, which must be 1; without axes, every static 1 (and a
// symbolic dim must not be 1 at run time).
// The importer turns the opset-13 axes input into this attribute (it must be a constant).
import { Dim, Node } from '../graph.js';
import { OpDef, attrInts, fail, input, registerOp } from '../op-registry.js';
import { cloneTensor } from '../reference.js';
import { normalizeAxes, unknownDim } from './shape-util.js';

export interface SqueezeAttrs {
  /** undefined: squeeze every dim that is 1. */
  axes: number[] | undefined;
}

export function squeezeAttrs(node: Node): SqueezeAttrs {
  return { axes: node.attrs.axes === undefined || node.attrs.axes === null ? undefined : attrInts(node, 'axes') };
}

function squeezeDims(node: Node, shape: readonly Dim[]): Dim[] {
  const given = squeezeAttrs(node).axes;
  if (!given) {
    // A symbolic dim might be 1 at run time, which would remove it and change the rank. It is kept
    // as a dim the node computes (its own symbol, bounded by the input dim): the kernel copies the
    // input dim and refuses a run where it is 1 (SHAPE_MISMATCH naming the node).
    const out: Dim[] = [];
    for (const d of shape) if (d !== 1) out.push(typeof d === 'number' ? d : unknownDim(node, out.length));
    return out;
  }
  const axes = normalizeAxes(node, given, shape.length);
  for (const a of axes) {
    if (typeof shape[a] === 'number' && shape[a] !== 1) fail(node, `cannot squeeze axis ${a} of shape [${shape}]: its size is ${shape[a]}, not 1`);
  }
  return shape.filter((_, i) => !axes.includes(i));
}

export const squeeze: OpDef = {
  name: 'Squeeze',
  group: 'movement',
  description: 'remove size-1 dims (the listed axes, or all)',
  infer(ctx) {
    const x = input(ctx, 0);
    return [{ dtype: x.dtype, shape: squeezeDims(ctx.node, x.shape) }];
  },
  evaluate(node, [x]) {
    return [cloneTensor(x!, squeezeDims(node, x!.dims) as number[])];
  },
  flops: () => 0,
};

registerOp(squeeze);
