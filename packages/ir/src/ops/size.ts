// Size(x): the element count of x as an int64 scalar. fold-constants replaces it by a constant
// whenever x's shape is static, which by code generation it always is.
import { OpDef, input, registerOp } from '../op-registry.js';
import { makeTensor, sizeOf } from '../tensor.js';

export const size: OpDef = {
  name: 'Size',
  group: 'shape',
  description: 'the element count of the input as an int64 scalar',
  infer(ctx) {
    input(ctx, 0);
    return [{ dtype: 'int64', shape: [] }];
  },
  evaluate(_node, [x]) {
    return [makeTensor('int64', [], [sizeOf(x!.dims)])];
  },
  flops: () => 0,
};

registerOp(size);
