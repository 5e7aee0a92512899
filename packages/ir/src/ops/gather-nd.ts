// GatherND(data, indices) {batch_dims}: the last dim of indices (k) addresses the first k dims of
// data after the b batch dims; each index tuple picks a slab data[batch, i0, …, ik-1, …]. The
// output shape is indices.shape[:-1] + data.shape[b+k:]. Negative indices count from the end.
import { Dim, Node } from '../graph.js';
import { OpDef, attrInt, fail, input, registerOp } from '../op-registry.js';
import { allocateArray } from '../dtype.js';
import { sizeOf, stridesOf } from '../tensor.js';
import { expectIntDType } from './shape-util.js';
import { checkedIndex } from './scatter-util.js';

/** The loop structure both GatherND and ScatterND (b = 0) share, in elements. */
export interface NdPlan {
  /** Product of the batch dims. */
  batches: number;
  /** Index tuples per batch. */
  tuples: number;
  /** Length of an index tuple (k). */
  k: number;
  /** Sizes and element strides of the k indexed dims. */
  dims: number[];
  strides: number[];
  /** Elements per slab (the dims after the indexed ones) and per batch of data. */
  slab: number;
  batchStride: number;
}

export function ndPlan(data: number[], idx: number[], b: number): NdPlan {
  const k = idx[idx.length - 1]!;
  const strides = stridesOf(data);
  return {
    batches: sizeOf(data.slice(0, b)),
    tuples: sizeOf(idx.slice(b, -1)),
    k,
    dims: data.slice(b, b + k),
    strides: strides.slice(b, b + k),
    slab: sizeOf(data.slice(b + k)),
    batchStride: sizeOf(data.slice(b)),
  };
}

/** Checks ranks, batch dims and the tuple length; returns k (the last dim of indices). */
export function checkNdIndices(node: Node, data: readonly Dim[], idx: readonly Dim[], b: number): number {
  if (data.length === 0 || idx.length === 0) fail(node, 'data and indices must have rank >= 1');
  if (b < 0 || b >= Math.min(data.length, idx.length)) fail(node, `batch_dims ${b} must be in [0, ${Math.min(data.length, idx.length) - 1}]`, 'INVALID_ATTRIBUTE');
  const k = idx[idx.length - 1]!;
  if (typeof k !== 'number') fail(node, `the last dim of indices must be static, got '${k}'`, 'DYNAMIC_SHAPE');
  if (k < 1 || k > data.length - b) fail(node, `index tuples of length ${k} cannot address data of rank ${data.length} with ${b} batch dims`);
  for (let i = 0; i < b; i++) {
    const d = data[i]!, x = idx[i]!;
    if (typeof d === 'number' && typeof x === 'number' && d !== x) fail(node, `batch dim ${i} is ${x} in indices but ${d} in data`);
  }
  return k;
}

export interface GatherNdAttrs { batchDims: number }

export function gatherNdAttrs(node: Node): GatherNdAttrs {
  return { batchDims: attrInt(node, 'batch_dims') };
}

export const gatherND: OpDef = {
  name: 'GatherND',
  group: 'movement',
  description: 'pick slabs of data addressed by index tuples (the last dim of indices)',
  infer(ctx) {
    const x = input(ctx, 0), idx = input(ctx, 1);
    expectIntDType(ctx, 1, 'indices');
    const b = gatherNdAttrs(ctx.node).batchDims;
    const k = checkNdIndices(ctx.node, x.shape, idx.shape, b);
    return [{ dtype: x.dtype, shape: [...idx.shape.slice(0, -1), ...x.shape.slice(b + k)] }];
  },
  evaluate(node, [x, idx]) {
    const b = gatherNdAttrs(node).batchDims;
    checkNdIndices(node, x!.dims, idx!.dims, b);
    const p = ndPlan(x!.dims, idx!.dims, b);
    const outDims = [...idx!.dims.slice(0, -1), ...x!.dims.slice(b + p.k)];
    const data = allocateArray(x!.dtype, sizeOf(outDims)) as Float32Array;
    const src = x!.data as Float32Array;
    for (let t = 0; t < p.batches * p.tuples; t++) {
      let off = Math.floor(t / p.tuples) * p.batchStride;
      for (let j = 0; j < p.k; j++) off += checkedIndex(node, Number(idx!.data[t * p.k + j]!), p.dims[j]!, 'index') * p.strides[j]!;
      for (let e = 0; e < p.slab; e++) data[t * p.slab + e] = src[off + e]!;
    }
    return [{ dtype: x!.dtype, dims: outDims, data }];
  },
  flops: () => 0,
};

registerOp(gatherND);
