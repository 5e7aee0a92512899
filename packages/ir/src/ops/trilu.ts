// Trilu(x, k?) {upper}: keeps the upper (j - i >= k) or lower (j - i <= k) triangle of each of the
// matrices in the last two dims and zeroes the rest. k (an int64 scalar, default 0) may be a run-time value.
import { isBigInt } from '../dtype.js';
import { Node } from '../graph.js';
import { OpDef, attrInt, fail, input, registerOp } from '../op-registry.js';
import { Tensor } from '../tensor.js';

export function triluUpper(node: Node): boolean {
  return attrInt(node, 'upper') !== 0;
}

export const trilu: OpDef = {
  name: 'Trilu',
  group: 'movement',
  description: 'keep the upper or lower triangle of the last two dims',
  infer(ctx) {
    const x = input(ctx, 0);
    if (x.shape.length < 2) fail(ctx.node, `input must have rank >= 2, got [${x.shape}]`);
    const k = ctx.inputs[1];
    if (k && (k.dtype !== 'int64' || !(k.shape.length === 0 || (k.shape.length === 1 && k.shape[0] === 1)))) {
      fail(ctx.node, `k (input 1) must be an int64 scalar, got ${k.dtype}[${k.shape}]`, 'DTYPE_MISMATCH');
    }
    return [{ dtype: x.dtype, shape: [...x.shape] }];
  },
  evaluate(node, [x, kt]) {
    const k = kt ? Number(kt.data[0]!) : 0;
    const upper = triluUpper(node);
    const [h, w] = x!.dims.slice(-2) as [number, number];
    const out = x!.data.slice() as Float32Array;
    const zero = (isBigInt(x!.dtype) ? 0n : 0) as number;
    for (let m = 0; m < out.length; m += h * w) {
      for (let i = 0; i < h; i++) {
        for (let j = 0; j < w; j++) {
          const keep = upper ? j - i >= k : j - i <= k;
          if (!keep) out[m + i * w + j] = zero;
        }
      }
    }
    return [{ dtype: x!.dtype, dims: [...x!.dims], data: out } as Tensor];
  },
  flops: () => 0,
};

registerOp(trilu);
