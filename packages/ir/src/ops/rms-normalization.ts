// RMSNormalization(X, Scale) {axis, epsilon} (opset 23): each row X[i0…i(axis-1), :] over the
// trailing dims from `axis` on is divided by its root mean square, sqrt(mean(x²) + epsilon), then
// multiplied by Scale, which broadcasts to those trailing dims. Statistics are float32 or wider.
import { Node } from '../graph.js';
import { OpDef, attrFloat, attrInt, broadcastShapes, expectDType, fail, input, normalizeAxis, registerOp } from '../op-registry.js';
import { broadcastIndexer } from '../reference.js';
import { makeTensor, sizeOf } from '../tensor.js';

/** RMSNormalization's attributes: the first normalized axis (not yet normalized against the rank) and epsilon. */
export interface RmsNormalizationAttrs { axis: number; epsilon: number }

export function rmsNormalizationAttrs(node: Node): RmsNormalizationAttrs {
  return { axis: attrInt(node, 'axis'), epsilon: attrFloat(node, 'epsilon') };
}

export const rmsNormalization: OpDef = {
  name: 'RMSNormalization',
  group: 'normalization',
  description: 'x / sqrt(mean(x²) + epsilon) * scale over the trailing dims from axis',
  infer(ctx) {
    const { node } = ctx;
    const dtype = expectDType(ctx, 0, ['float32', 'float64']);
    const x = input(ctx, 0), scale = input(ctx, 1);
    const tail = x.shape.slice(normalizeAxis(node, rmsNormalizationAttrs(node).axis, x.shape.length));
    if (scale.dtype !== dtype) fail(node, `Scale (input 1) has dtype ${scale.dtype}, X has ${dtype}`, 'DTYPE_MISMATCH');
    const b = scale.shape.length <= tail.length ? broadcastShapes(node, [scale.shape, tail]) : undefined;
    if (!b || b.some((d, k) => typeof d === 'number' && typeof tail[k] === 'number' && d !== tail[k])) {
      fail(node, `Scale (input 1) of shape [${scale.shape}] does not broadcast to the normalized dims [${tail}]`);
    }
    return [{ dtype, shape: [...x.shape] }];
  },
  evaluate(node, [x, scale]) {
    const dims = x!.dims;
    const attrs = rmsNormalizationAttrs(node);
    const axis = normalizeAxis(node, attrs.axis, dims.length);
    const eps = attrs.epsilon;
    const tail = dims.slice(axis);
    const rows = sizeOf(dims.slice(0, axis)), n = sizeOf(tail);
    const y = makeTensor(x!.dtype, [...dims]);
    const X = x!.data as Float32Array, Y = y.data as Float32Array;
    const si = broadcastIndexer(scale!.dims, tail);
    for (let r = 0; r < rows; r++) {
      let ss = 0;
      for (let k = 0; k < n; k++) ss += X[r * n + k]! ** 2;
      const inv = 1 / Math.sqrt(ss / n + eps);
      for (let k = 0; k < n; k++) Y[r * n + k] = X[r * n + k]! * inv * Number(scale!.data[si(k)]);
    }
    return [y];
  },
  flops(ctx) { return 4 * sizeOf(input(ctx, 0).shape.filter((d): d is number => typeof d === 'number')); },
};

registerOp(rmsNormalization);
