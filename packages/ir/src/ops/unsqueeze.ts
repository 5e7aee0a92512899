// Unsqueeze(x) {axes}: inserts size-1 dims at the listed positions of the output. The importer turns
// the opset-13 axes input into this attribute (it must be a constant).
import { Dim, Node } from '../graph.js';
import { OpDef, attrInts, input, registerOp } from '../op-registry.js';
import { cloneTensor } from '../reference.js';
import { normalizeAxes } from './shape-util.js';

function unsqueezeDims(node: Node, shape: readonly Dim[]): Dim[] {
  const raw = attrInts(node, 'axes');
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
    return [{ dtype: x.dtype, shape: unsqueezeDims(ctx.node, x.shape) }];
  },
  evaluate(node, [x]) {
    return [cloneTensor(x!, unsqueezeDims(node, x!.dims) as number[])];
  },
  flops: () => 0,
};

registerOp(unsqueeze);
