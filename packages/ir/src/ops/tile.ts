// Tile(x, repeats): repeats x repeats[d] times along every dim d. The output shape depends on the
// VALUE of repeats; until it is known the output dims stay symbolic (see shape-util.ts).
import { OpDef, fail, input, registerOp } from '../op-registry.js';
import { allocateArray } from '../dtype.js';
import { Dim } from '../graph.js';
import { dimMul } from '../dim-expr.js';
import { indices } from '../reference.js';
import { sizeOf, stridesOf, toNumbers } from '../tensor.js';
import { dimValues, expectIntDType, unknownDim } from './shape-util.js';

function checkRepeats<T extends Dim>(node: Parameters<typeof fail>[0], reps: T[], rank: number): T[] {
  if (reps.length !== rank) fail(node, `repeats has ${reps.length} entries; the input has rank ${rank}`);
  if (reps.some((r) => typeof r === 'number' && (r < 0 || !Number.isInteger(r)))) fail(node, `repeats [${reps}] has a negative entry`, 'INVALID_ATTRIBUTE');
  return reps;
}

export const tile: OpDef = {
  name: 'Tile',
  group: 'movement',
  description: 'repeat the input along every dim',
  infer(ctx) {
    const x = input(ctx, 0), r = input(ctx, 1);
    expectIntDType(ctx, 1, 'repeats', ['int64']);
    if (r.shape.length !== 1) fail(ctx.node, `repeats (input 1) must be 1-D, got [${r.shape}]`);
    const reps = dimValues(ctx, 1, 'repeats');
    if (!reps) return [{ dtype: x.dtype, shape: x.shape.map((_, i) => unknownDim(ctx.node, i)) }];
    checkRepeats(ctx.node, reps, x.shape.length);
    return [{ dtype: x.dtype, shape: x.shape.map((d, i) => dimMul(d, reps[i]!)) }];
  },
  evaluate(node, [x, r]) {
    const reps = checkRepeats(node, toNumbers(r!), x!.dims.length);
    const outDims = x!.dims.map((d, i) => d * reps[i]!);
    const strides = stridesOf(x!.dims);
    const data = allocateArray(x!.dtype, sizeOf(outDims)) as Float32Array;
    const src = x!.data as Float32Array;
    let k = 0;
    for (const idx of indices(outDims)) {
      let off = 0;
      for (let d = 0; d < idx.length; d++) off += (idx[d]! % x!.dims[d]!) * strides[d]!;
      data[k++] = src[off]!;
    }
    return [{ dtype: x!.dtype, dims: outDims, data }];
  },
  flops: () => 0,
};

registerOp(tile);
