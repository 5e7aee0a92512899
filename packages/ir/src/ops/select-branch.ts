// SelectBranch(cond, then, else): the merge of a run-time If whose branches give an output of the
// same dtype and rank but different dims (a squeeze or a crop decided by the branch). Where needs
// equal shapes; here each differing dim becomes a value-dependent dim (computed-dims.ts) that the
// kernel sets from the taken branch, bounded by the sum of the two branches' dims.
import { OpDef, fail, input, registerOp } from '../op-registry.js';
import { getNumber } from '../tensor.js';
import { computedDimSymbol } from './computed-dims.js';

export const selectBranch: OpDef = {
  name: 'SelectBranch',
  group: 'misc',
  description: "the taken If branch's output when the branches' output dims differ (dims chosen at run time)",
  infer(ctx) {
    const cond = input(ctx, 0), a = input(ctx, 1), b = input(ctx, 2);
    if (cond.dtype !== 'bool' || cond.shape.length !== 0) fail(ctx.node, `the condition must be a bool scalar, got ${cond.dtype}[${cond.shape}]`);
    if (a.dtype !== b.dtype || a.shape.length !== b.shape.length) fail(ctx.node, `the branches must agree on dtype and rank, got ${a.dtype}[${a.shape}] and ${b.dtype}[${b.shape}]`, 'DYNAMIC_SHAPE');
    return [{ dtype: a.dtype, shape: a.shape.map((d, i) => (d === b.shape[i] ? d : computedDimSymbol(ctx.node, `d${i}`))) }];
  },
  evaluate: (_node, [cond, a, b]) => [getNumber(cond!, 0) !== 0 ? a! : b!],
  flops: () => 0,
};

registerOp(selectBranch);
