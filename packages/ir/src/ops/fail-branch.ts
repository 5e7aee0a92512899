// FailBranch(cond) {when, dtype, shape, message}: stands for one output of an If branch that cannot
// be compiled for the model's shapes (a branch the model only takes for other input sizes, e.g.
// Silero VAD's 8 kHz path fed 16 kHz frames). A run whose single-element bool `cond` is `when`
// took that branch: the node stops the run with a trap (onnxruntime fails such a run too). Any
// other run gets zeros, which the merging Where never selects. The node checks the condition
// itself, so it stays correct wherever the optimizer moves it or whatever guards it loses.
import { DType } from '../dtype.js';
import { Node } from '../graph.js';
import { OpDef, attrInt, attrString, fail, input, registerOp } from '../op-registry.js';
import { getNumber, makeTensor } from '../tensor.js';

export interface FailBranchAttrs {
  /** The condition value that means the run took the branch (and must stop). */
  when: boolean;
  dtype: DType;
  shape: number[];
  message: string;
}

export function failBranchAttrs(node: Node): FailBranchAttrs {
  const shape = node.attrs.shape;
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number')) fail(node, 'attribute shape must list static dims');
  return { when: attrInt(node, 'when') !== 0, dtype: attrString(node, 'dtype') as DType, shape: shape as number[], message: attrString(node, 'message') };
}

export const failBranch: OpDef = {
  name: 'FailBranch',
  group: 'misc',
  description: 'traps when the bool condition equals `when` (an If branch that cannot run for these shapes); zeros otherwise',
  infer(ctx) {
    const cond = input(ctx, 0);
    if (cond.dtype !== 'bool') fail(ctx.node, `the condition must be bool, got ${cond.dtype}`);
    const { dtype, shape } = failBranchAttrs(ctx.node);
    return [{ dtype, shape }];
  },
  evaluate(node, [cond]) {
    const { when, dtype, shape, message } = failBranchAttrs(node);
    if ((getNumber(cond!, 0) !== 0) === when) fail(node, `the run takes a branch that cannot run for these shapes: ${message}`);
    return [makeTensor(dtype, shape)];
  },
  flops: () => 0,
};

registerOp(failBranch);
