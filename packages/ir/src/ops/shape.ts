// Shape(x) {start?, end?}: the dims of x (optionally a sub-range, opset 15) as an int64 vector.
// The optimizer's fold-constants replaces it by a constant whenever x's shape is static.
import { Node } from '../graph.js';
import { OpDef, attrInt, input, registerOp } from '../op-registry.js';
import { makeTensor } from '../tensor.js';

/** Shape's attributes, as given: `end` has no ONNX default (undefined: through the last axis). */
export interface ShapeAttrs { start: number; end: number | undefined }

export function shapeAttrs(node: Node): ShapeAttrs {
  return { start: attrInt(node, 'start'), end: node.attrs.end === undefined ? undefined : attrInt(node, 'end') };
}

/**
 * [start, end) of the dims Shape returns; out-of-range values are clamped as the spec says. `start`
 * is always written (the importer writes ONNX's 0); `end` has no default in ONNX: without it the
 * range runs through the last axis.
 */
export function shapeRange(node: Node, rank: number): [number, number] {
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
  const a = shapeAttrs(node);
  const start = clamp(a.start);
  const end = a.end === undefined ? rank : clamp(a.end);
  return [start, Math.max(start, end)];
}

export const shape: OpDef = {
  name: 'Shape',
  group: 'shape',
  description: 'the dims of the input as an int64 vector',
  infer(ctx) {
    const x = input(ctx, 0);
    const [s, e] = shapeRange(ctx.node, x.shape.length);
    return [{ dtype: 'int64', shape: [e - s] }];
  },
  evaluate(node, [x]) {
    const [s, e] = shapeRange(node, x!.dims.length);
    return [makeTensor('int64', [e - s], x!.dims.slice(s, e))];
  },
  flops: () => 0,
};

registerOp(shape);
