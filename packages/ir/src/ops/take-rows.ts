// TakeRows(x, count): the first `count` rows (along axis 0) of x, count an int64 scalar known at
// run time. The stacked scan outputs of a run-time Loop: the importer stacks every iteration's
// value into a buffer of trip-count rows and takes as many rows as iterations ran. The row count
// is a value-dependent dim (computed-dims.ts) bounded by x's first dim.
import { OpDef, fail, input, registerOp } from '../op-registry.js';
import { getNumber, makeTensor, sizeOf } from '../tensor.js';
import { computedDimSymbol } from './computed-dims.js';

export const takeRows: OpDef = {
  name: 'TakeRows',
  group: 'movement',
  description: 'the first `count` rows of x (count known at run time)',
  infer(ctx) {
    const x = input(ctx, 0), count = input(ctx, 1);
    if (!x.shape.length) fail(ctx.node, 'x must have at least one dim');
    if (count.dtype !== 'int64' || count.shape.length !== 0) fail(ctx.node, `count must be an int64 scalar, got ${count.dtype}[${count.shape}]`);
    return [{ dtype: x.dtype, shape: [computedDimSymbol(ctx.node, 'rows'), ...x.shape.slice(1)] }];
  },
  evaluate(node, [x, count]) {
    const n = getNumber(count!, 0), rows = x!.dims[0]!;
    if (!(n >= 0 && n <= rows)) fail(node, `count ${n} is outside 0…${rows}`);
    const row = sizeOf(x!.dims.slice(1));
    return [makeTensor(x!.dtype, [n, ...x!.dims.slice(1)], Array.from(x!.data.subarray(0, n * row) as ArrayLike<number>))];
  },
  flops: () => 0,
};

registerOp(takeRows);
