// NonZero(x): int64 [rank, count] indices of the non-zero elements in row-major order. With x known
// at compile time the node folds; otherwise the count is a value-dependent dim: a symbol of its
// own (computedDimSymbol) that the kernel writes into the run-time dims table, bounded by the
// element count of x (see docs/dynamic-shapes.md, value-dependent shapes).
import { OpDef, input, registerOp } from '../op-registry.js';
import { getNumber, makeTensor, sizeOf, stridesOf } from '../tensor.js';
import { computedDimSymbol } from './computed-dims.js';
import { inferFromValues } from './data-dependent.js';

export const nonZero: OpDef = {
  name: 'NonZero',
  group: 'shape',
  description: 'indices of the non-zero elements (count computed at run time when the input is)',
  infer: (ctx) => {
    if (ctx.values[0]) return inferFromValues(ctx, nonZero, [0]);
    const x = input(ctx, 0);
    return [{ dtype: 'int64', shape: [x.shape.length, computedDimSymbol(ctx.node, 'count')] }];
  },
  evaluate(node, [x]) {
    const dims = x!.dims, strides = stridesOf(dims);
    const hits: number[] = [];
    for (let i = 0; i < sizeOf(dims); i++) if (getNumber(x!, i) !== 0) hits.push(i);
    const rows = dims.map((d, a) => hits.map((i) => Math.floor(i / strides[a]!) % d));
    return [makeTensor('int64', [dims.length, hits.length], rows.flat())];
  },
};

registerOp(nonZero);
