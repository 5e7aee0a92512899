// FailBranch(cond) {when, dtype, shape, message}: stands for one output of an If branch that cannot
// be compiled for the model's shapes (a branch the model only takes for other input sizes, e.g.
// Silero VAD's 8 kHz path fed 16 kHz frames). A run whose single-element bool `cond` is `when`
// took that branch: the node stops the run with a trap (onnxruntime fails such a run too). Any
// other run gets zeros, which the merging Where never selects. The node checks the condition
// itself, so it stays correct wherever the optimizer moves it or whatever guards it loses.
import { DType } from '../dtype.js';
import { OpDef, attrInt, attrString, fail, input, registerOp } from '../op-registry.js';
import { getNumber, makeTensor } from '../tensor.js';

export const failBranch: OpDef = {
  name: 'FailBranch',
  group: 'misc',
  description: 'traps when the bool condition equals `when` (an If branch that cannot run for these shapes); zeros otherwise',
  infer(ctx) {
    const cond = input(ctx, 0);
    if (cond.dtype !== 'bool') fail(ctx.node, `the condition must be bool, got ${cond.dtype}`);
    const shape = ctx.node.attrs.shape;
    if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number')) fail(ctx.node, 'attribute shape must list static dims');
    return [{ dtype: String(ctx.node.attrs.dtype) as DType, shape: shape as number[] }];
  },
  evaluate(node, [cond]) {
    if ((getNumber(cond!, 0) !== 0) === (attrInt(node, 'when') !== 0)) fail(node, `the run takes a branch that cannot run for these shapes: ${attrString(node, 'message')}`);
    return [makeTensor(String(node.attrs.dtype) as DType, node.attrs.shape as number[])];
  },
  flops: () => 0,
};

registerOp(failBranch);
