// ReverseSequence(x, sequence_lens) {time_axis, batch_axis}: for each batch entry b, reverses the
// first sequence_lens[b] steps along the time axis and keeps the rest. time_axis and batch_axis
// are 0 and 1 in either order; the dims after them move as one slab.
import { Node } from '../graph.js';
import { OpDef, attrInt, fail, input, registerOp } from '../op-registry.js';
import { sizeOf } from '../tensor.js';
import { expectIntDType } from './shape-util.js';

export function sequenceAxes(node: Node): { time: number; batch: number } {
  const time = attrInt(node, 'time_axis'), batch = attrInt(node, 'batch_axis');
  if (!((time === 0 && batch === 1) || (time === 1 && batch === 0))) fail(node, `time_axis ${time} and batch_axis ${batch} must be 0 and 1`, 'INVALID_ATTRIBUTE');
  return { time, batch };
}

export const reverseSequence: OpDef = {
  name: 'ReverseSequence',
  group: 'movement',
  description: 'reverse the first sequence_lens[b] time steps of every batch entry',
  infer(ctx) {
    const x = input(ctx, 0), lens = input(ctx, 1);
    expectIntDType(ctx, 1, 'sequence_lens', ['int64']);
    if (x.shape.length < 2) fail(ctx.node, `input must have rank >= 2, got [${x.shape}]`);
    const { batch } = sequenceAxes(ctx.node);
    const b = x.shape[batch]!, n = lens.shape[0];
    if (lens.shape.length !== 1 || (typeof n === 'number' && typeof b === 'number' && n !== b)) fail(ctx.node, `sequence_lens must have shape [${b}], got [${lens.shape}]`);
    return [{ dtype: x.dtype, shape: [...x.shape] }];
  },
  evaluate(node, [x, lens]) {
    const { time, batch } = sequenceAxes(node);
    const T = x!.dims[time]!, B = x!.dims[batch]!, slab = sizeOf(x!.dims.slice(2));
    const src = x!.data as Float32Array, out = src.slice();
    // element offset of (t, b): the leading axis strides by the other one's size times the slab
    const at = (t: number, b: number) => (time === 0 ? t * B + b : b * T + t) * slab;
    for (let b = 0; b < B; b++) {
      const len = Number(lens!.data[b]!);
      if (len < 0 || len > T) fail(node, `sequence_lens[${b}] = ${len} is outside [0, ${T}]`);
      for (let t = 0; t < len; t++) for (let e = 0; e < slab; e++) out[at(t, b) + e] = src[at(len - 1 - t, b) + e]!;
    }
    return [{ dtype: x!.dtype, dims: [...x!.dims], data: out }];
  },
  flops: () => 0,
};

registerOp(reverseSequence);
