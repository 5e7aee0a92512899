// EyeLike(x) {dtype, k}: a 2-D tensor of x's shape with ones on the k-th diagonal (k > 0 above
// the main one) and zeros elsewhere. The importer maps ONNX's dtype code to an IR dtype name
// (x's dtype when the model gives none).
import { DType, DTYPE_BYTES } from '../dtype.js';
import { Node } from '../graph.js';
import { OpDef, attrInt, attrString, fail, input, registerOp } from '../op-registry.js';
import { makeTensor } from '../tensor.js';

export function eyeLikeDType(node: Node): DType {
  const d = attrString(node, 'dtype');
  if (!(d in DTYPE_BYTES) || d === 'string') fail(node, `dtype '${d}' is not supported`, 'INVALID_ATTRIBUTE');
  return d as DType;
}

export interface EyeLikeAttrs { dtype: DType; k: number }

export function eyeLikeAttrs(node: Node): EyeLikeAttrs {
  return { dtype: eyeLikeDType(node), k: attrInt(node, 'k') };
}

export const eyeLike: OpDef = {
  name: 'EyeLike',
  group: 'shape',
  description: 'ones on a diagonal, zeros elsewhere, in the shape of the input',
  infer(ctx) {
    const x = input(ctx, 0);
    if (x.shape.length !== 2) fail(ctx.node, `input must be 2-D, got [${x.shape}]`);
    return [{ dtype: eyeLikeAttrs(ctx.node).dtype, shape: [...x.shape] }];
  },
  evaluate(node, [x]) {
    const [h, w] = x!.dims as [number, number];
    const { k } = eyeLikeAttrs(node);
    const vals = new Array<number>(h * w).fill(0);
    for (let i = 0; i < h; i++) if (i + k >= 0 && i + k < w) vals[i * w + i + k] = 1;
    return [makeTensor(eyeLikeDType(node), [h, w], vals)];
  },
  flops: () => 0,
};

registerOp(eyeLike);
