// Identity: a copy (a view where the memory planner can alias it).
import { DType } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { OpDef, expectInputCount, fail, input, registerOp } from '../op-registry.js';

const ANY: DType[] = ['float32', 'float64', 'float16', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool'];

const identity: OpDef = {
  name: 'Identity',
  group: 'elementwise',
  description: 'copy',
  infer(ctx) {
    expectInputCount(ctx, 1);
    const x = input(ctx, 0);
    if (!ANY.includes(x.dtype)) fail(ctx.node, `dtype ${x.dtype} is not supported`, 'DTYPE_MISMATCH');
    return [{ dtype: x.dtype, shape: [...x.shape] }];
  },
  evaluate(_node, [x]) {
    // A copy, exact for every dtype (64-bit integers are not round-tripped through numbers).
    return [{ ...x!, dims: [...x!.dims], data: x!.data.slice() } as Tensor];
  },
};

registerOp(identity);
