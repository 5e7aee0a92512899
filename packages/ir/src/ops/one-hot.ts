// OneHot(indices, depth, values) {axis}: inserts a new dim of size depth at `axis`; the entry at
// each index is values[1] (on), all others values[0] (off). Indices of any numeric type are
// truncated to integers; negative ones count from the end; ones outside [-depth, depth) give an
// all-off row. The output shape depends on the VALUE of depth; until it is known that dim stays symbolic.
import { halfToFloat } from '../dtype.js';
import { Dim, Node } from '../graph.js';
import { OpDef, attrInt, fail, input, normalizeAxis, registerOp } from '../op-registry.js';
import { allocateArray } from '../dtype.js';
import { Tensor, sizeOf } from '../tensor.js';
import { unknownDim } from './shape-util.js';

function num(t: Tensor, i: number): number {
  const v = t.data[i]!;
  return t.dtype === 'float16' ? halfToFloat(v as number) : Number(v);
}

function depthOf(node: Node, t: Tensor): number {
  if (t.data.length !== 1) fail(node, `depth (input 1) must hold one value, got ${t.data.length}`);
  const d = Math.trunc(num(t, 0));
  if (!(d >= 1)) fail(node, `depth must be at least 1, got ${num(t, 0)}`, 'INVALID_ATTRIBUTE');
  return d;
}

/** The output axis the depth goes to, for indices of rank `indicesRank`. */
export function oneHotAxis(node: Node, indicesRank: number): number {
  return normalizeAxis(node, attrInt(node, 'axis'), indicesRank + 1);
}

export const oneHot: OpDef = {
  name: 'OneHot',
  group: 'movement',
  description: 'one-hot encode indices along a new axis of size depth',
  infer(ctx) {
    const { node } = ctx;
    const idx = input(ctx, 0), depth = input(ctx, 1), values = input(ctx, 2);
    for (const [t, what] of [[idx, 'indices'], [depth, 'depth']] as const) {
      if (t.dtype === 'bool' || t.dtype === 'string') fail(node, `${what} must be numeric, got ${t.dtype}`, 'DTYPE_MISMATCH');
    }
    if (values.shape.length !== 1 || (typeof values.shape[0] === 'number' && values.shape[0] !== 2)) fail(node, `values (input 2) must have shape [2], got [${values.shape}]`);
    const axis = oneHotAxis(node, idx.shape.length);
    const d: Dim = ctx.values[1] ? depthOf(node, ctx.values[1]) : unknownDim(node, axis);
    return [{ dtype: values.dtype, shape: [...idx.shape.slice(0, axis), d, ...idx.shape.slice(axis)] }];
  },
  evaluate(node, [idx, dt, values]) {
    const depth = depthOf(node, dt!);
    const axis = oneHotAxis(node, idx!.dims.length);
    const outDims = [...idx!.dims.slice(0, axis), depth, ...idx!.dims.slice(axis)];
    const inner = sizeOf(idx!.dims.slice(axis));
    const data = allocateArray(values!.dtype, sizeOf(outDims)) as Float32Array;
    const [off, on] = values!.data as Float32Array;
    data.fill(off!);
    for (let j = 0; j < idx!.data.length; j++) {
      let i = Math.trunc(num(idx!, j));
      if (i < -depth || i >= depth) continue;
      if (i < 0) i += depth;
      const o = Math.floor(j / inner), r = j % inner;
      data[(o * depth + i) * inner + r] = on!;
    }
    return [{ dtype: values!.dtype, dims: outDims, data }];
  },
  flops: () => 0,
};

registerOp(oneHot);
