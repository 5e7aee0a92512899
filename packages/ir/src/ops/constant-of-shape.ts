// ConstantOfShape(shape) {value}: a tensor of the given dims filled with the one-element `value`
// tensor (float32 0 when absent).
import { Dim, Node } from '../graph.js';
import { OpDef, fail, input, registerOp } from '../op-registry.js';
import { Tensor, makeTensor } from '../tensor.js';
import { isBigInt } from '../dtype.js';
import { dimValues, unknownShape } from './shape-util.js';

export interface ConstantOfShapeAttrs {
  /** The one-element fill value (float16 data holds the raw half bits). */
  value: Tensor;
}

export function constantOfShapeAttrs(node: Node): ConstantOfShapeAttrs {
  return { value: fillValue(node) };
}

function fillValue(node: Node): Tensor {
  const v = node.attrs.value;
  if (v === undefined || v === null) return makeTensor('float32', [1], [0]);
  if (typeof v !== 'object' || Array.isArray(v) || !('dtype' in v)) fail(node, "attribute 'value' must be a tensor", 'INVALID_ATTRIBUTE');
  if (v.data.length !== 1) fail(node, `attribute 'value' must hold exactly one element, got ${v.data.length}`, 'INVALID_ATTRIBUTE');
  return v;
}

function checkDims<T extends Dim>(node: Node, dims: T[]): T[] {
  if (dims.some((d) => typeof d === 'number' && (d < 0 || !Number.isInteger(d)))) fail(node, `shape [${dims}] has a negative or non-integer dim`, 'INVALID_ATTRIBUTE');
  return dims;
}

export const constantOfShape: OpDef = {
  name: 'ConstantOfShape',
  group: 'shape',
  description: 'a tensor of the given shape filled with one value',
  infer(ctx) {
    const s = input(ctx, 0);
    if (s.dtype !== 'int64') fail(ctx.node, `shape (input 0) must be int64, got ${s.dtype}`, 'DTYPE_MISMATCH');
    if (s.shape.length !== 1) fail(ctx.node, `shape (input 0) must be 1-D, got [${s.shape}]`);
    const dtype = fillValue(ctx.node).dtype;
    const dims = dimValues(ctx, 0, 'shape');
    if (dims) return [{ dtype, shape: checkDims(ctx.node, dims) }];
    const rank = s.shape[0]!;
    if (typeof rank !== 'number') fail(ctx.node, 'the output rank (length of the shape input) must be known at compile time', 'DYNAMIC_SHAPE');
    return [{ dtype, shape: unknownShape(ctx.node, rank) }];
  },
  evaluate(node, [s]) {
    const v = fillValue(node);
    const dims = checkDims(node, Array.from(s!.data, Number));
    const out = makeTensor(v.dtype, dims);
    const x = v.data[0]!;
    if (isBigInt(v.dtype)) (out.data as BigInt64Array).fill(x as bigint);
    else (out.data as Float32Array).fill(x as number);
    return [out];
  },
};

registerOp(constantOfShape);
