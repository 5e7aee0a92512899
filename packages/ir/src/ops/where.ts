// Where(cond, x, y): cond ? x : y with broadcasting.
import { isBigInt } from '../dtype.js';
import { OpDef, broadcastShapes, expectInputCount, fail, input, registerOp } from '../op-registry.js';
import { mapElementwise } from '../reference.js';
import { Tensor } from '../tensor.js';

const where: OpDef = {
  name: 'Where', group: 'elementwise', description: 'cond ? x : y with broadcasting',
  infer(ctx) {
    expectInputCount(ctx, 3);
    const c = input(ctx, 0), x = input(ctx, 1), y = input(ctx, 2);
    if (c.dtype !== 'bool') fail(ctx.node, `condition has dtype ${c.dtype}; expected bool`, 'DTYPE_MISMATCH');
    if (x.dtype !== y.dtype) fail(ctx.node, `x and y dtypes differ: ${x.dtype} and ${y.dtype}`, 'DTYPE_MISMATCH');
    return [{ dtype: x.dtype, shape: broadcastShapes(ctx.node, [c.shape, x.shape, y.shape]) }];
  },
  evaluate(_n, [c, x, y]) {
    if (isBigInt(x!.dtype)) {
      // keep 64-bit values exact: select indices, then copy BigInts
      const idx = mapElementwise([c!, { ...x!, data: Float64Array.from(x!.data as BigInt64Array, (_, i) => i) }, { ...y!, data: Float64Array.from(y!.data as BigInt64Array, (_, i) => -1 - i) }], 'float64', (cv, xi, yi) => (cv ? xi : yi));
      const out = { dtype: x!.dtype, dims: idx.dims, data: new BigInt64Array(idx.data.length) } as Tensor;
      idx.data.forEach((k, i) => { (out.data as BigInt64Array)[i] = (k as number) >= 0 ? (x!.data as BigInt64Array)[k as number]! : (y!.data as BigInt64Array)[-1 - (k as number)]!; });
      return [out];
    }
    return [mapElementwise([c!, x!, y!], x!.dtype, (cv, xv, yv) => (cv ? xv : yv))];
  },
};

registerOp(where);
