// Expand(x, shape): broadcasts x against `shape` both ways (numpy rules), so a 1 in `shape` keeps
// x's dim. The output shape depends on shape's VALUE: until it is known (a computed shape that
// folding resolves, or a graph input the caller pins) the output dims stay symbolic.
import { OpDef, broadcastShapes, fail, input, registerOp } from '../op-registry.js';
import { allocateArray } from '../dtype.js';
import { broadcastDims, broadcastIndexer } from '../reference.js';
import { sizeOf, toNumbers } from '../tensor.js';
import { dimValues, expectIntDType, unknownDim, unknownShape } from './shape-util.js';
import { Dim } from '../graph.js';

export const expand: OpDef = {
  name: 'Expand',
  group: 'movement',
  description: 'broadcast the input to a shape given as a tensor',
  infer(ctx) {
    const x = input(ctx, 0), s = input(ctx, 1);
    expectIntDType(ctx, 1, 'shape', ['int64']);
    if (s.shape.length !== 1) fail(ctx.node, `shape (input 1) must be 1-D, got [${s.shape}]`);
    const spec = dimValues(ctx, 1, 'shape');
    if (spec) {
      if (spec.some((d) => typeof d === 'number' && (d < 0 || !Number.isInteger(d)))) fail(ctx.node, `shape [${spec}] has a negative dim`, 'INVALID_ATTRIBUTE');
      return [{ dtype: x.dtype, shape: broadcastShapes(ctx.node, [x.shape, spec]) }];
    }
    const len = s.shape[0]!;
    if (typeof len !== 'number') fail(ctx.node, 'the length of shape (input 1) must be known at compile time', 'DYNAMIC_SHAPE');
    const rank = Math.max(len, x.shape.length);
    const part = ctx.partial?.(1);
    if (!part || part.length !== len) return [{ dtype: x.dtype, shape: unknownShape(ctx.node, rank) }];
    // Some entries known (a run-time batch next to constant dims): those broadcast as usual; an
    // unknown one gives x's dim where that is a static dim other than 1 (the entry must be 1 or
    // equal to it, which the kernel checks), else a dim the run computes.
    const out: Dim[] = [];
    for (let d = 0; d < rank; d++) {
      const xd = x.shape[d - (rank - x.shape.length)] ?? 1, j = d - (rank - len);
      const p = j < 0 ? 1 : part[j];
      if (p === undefined) out.push(typeof xd === 'number' && xd !== 1 ? xd : unknownDim(ctx.node, d));
      else out.push(broadcastShapes(ctx.node, [[xd], [p]])[0]!);
    }
    return [{ dtype: x.dtype, shape: out }];
  },
  evaluate(node, [x, s]) {
    let outDims: number[];
    try { outDims = broadcastDims([x!.dims, toNumbers(s!)]); } catch (e) { fail(node, (e as Error).message); }
    const at = broadcastIndexer(x!.dims, outDims);
    const data = allocateArray(x!.dtype, sizeOf(outDims)) as Float32Array;
    const src = x!.data as Float32Array;
    for (let i = 0; i < data.length; i++) data[i] = src[at(i)]!;
    return [{ dtype: x!.dtype, dims: outDims, data }];
  },
  flops: () => 0,
};

registerOp(expand);
