// Unsqueeze(x) {axes}: inserts size-1 dims at the listed positions of the output. The importer turns
// a constant opset-13 axes input into this attribute; axes known only at run time stay input 1
// (Unsqueeze(x, axes)): the rank is known, the dims are computed at run time (unknownShape).
import { Dim, Node } from '../graph.js';
import { OpDef, attrInts, fail, input, registerOp } from '../op-registry.js';
import { cloneTensor } from '../reference.js';
import { intValues, normalizeAxes, unknownShape } from './shape-util.js';
import { toNumbers } from '../tensor.js';

export interface UnsqueezeAttrs {
  /** undefined: the axes are input 1, known only at run time or from its value. */
  axes: number[] | undefined;
}

export function unsqueezeAttrs(node: Node): UnsqueezeAttrs {
  return { axes: node.attrs.axes === undefined ? undefined : attrInts(node, 'axes') };
}

function unsqueezeDims(node: Node, shape: readonly Dim[], given?: number[]): Dim[] {
  const raw = given ?? unsqueezeAttrs(node).axes;
  if (!raw) fail(node, "missing required attribute 'axes'", 'INVALID_ATTRIBUTE');
  const rank = shape.length + raw.length;
  const axes = normalizeAxes(node, raw, rank);
  const out: Dim[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) out.push(axes.includes(i) ? 1 : shape[k++]!);
  return out;
}

export const unsqueeze: OpDef = {
  name: 'Unsqueeze',
  group: 'movement',
  description: 'insert size-1 dims at the listed output axes',
  infer(ctx) {
    const x = input(ctx, 0);
    if (unsqueezeAttrs(ctx.node).axes === undefined && ctx.inputs[1]) {
      const given = intValues(ctx, 1, 'axes');
      if (given) return [{ dtype: x.dtype, shape: unsqueezeDims(ctx.node, x.shape, given) }];
      const k = ctx.inputs[1].shape[0];
      if (ctx.inputs[1].shape.length !== 1 || typeof k !== 'number') fail(ctx.node, 'axes (input 1) must be a 1-D tensor of static length', 'DYNAMIC_SHAPE');
      return [{ dtype: x.dtype, shape: unknownShape(ctx.node, x.shape.length + k) }];
    }
    return [{ dtype: x.dtype, shape: unsqueezeDims(ctx.node, x.shape) }];
  },
  evaluate(node, [x, axes]) {
    return [cloneTensor(x!, unsqueezeDims(node, x!.dims, unsqueezeAttrs(node).axes === undefined && axes ? toNumbers(axes) : undefined) as number[])];
  },
  flops: () => 0,
};

registerOp(unsqueeze);
