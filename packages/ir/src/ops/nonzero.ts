// NonZero(x): int64 [rank, count] indices of the non-zero elements in row-major order. The count
// depends on the values, so x must be known at compile time (see data-dependent.ts).
import { OpDef, registerOp } from '../op-registry.js';
import { getNumber, makeTensor, sizeOf, stridesOf } from '../tensor.js';
import { inferFromValues } from './data-dependent.js';

export const nonZero: OpDef = {
  name: 'NonZero',
  group: 'shape',
  description: 'indices of the non-zero elements (input known at compile time)',
  infer: (ctx) => inferFromValues(ctx, nonZero, [0]),
  evaluate(node, [x]) {
    const dims = x!.dims, strides = stridesOf(dims);
    const hits: number[] = [];
    for (let i = 0; i < sizeOf(dims); i++) if (getNumber(x!, i) !== 0) hits.push(i);
    const rows = dims.map((d, a) => hits.map((i) => Math.floor(i / strides[a]!) % d));
    return [makeTensor('int64', [dims.length, hits.length], rows.flat())];
  },
};

registerOp(nonZero);
