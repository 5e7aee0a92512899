// Softmax(x) {axis} with opset-13 semantics: normalizes along one axis. The importer rewrites the
// opset 1–12 form (which flattens to 2-D at `axis`) into this one.
import { Node } from '../graph.js';
import { OpDef, attrInt, expectDType, input, normalizeAxis, registerOp } from '../op-registry.js';
import { makeTensor, sizeOf } from '../tensor.js';

/** Softmax's, LogSoftmax's and Hardmax's attribute: the axis they normalize along (not yet normalized against the rank). */
export interface SoftmaxAttrs { axis: number }

export function softmaxAttrs(node: Node): SoftmaxAttrs {
  return { axis: attrInt(node, 'axis') };
}

export const softmax: OpDef = {
  name: 'Softmax',
  group: 'normalization',
  description: 'exp(x - max) / sum(exp(x - max)) along one axis',
  infer(ctx) {
    const dtype = expectDType(ctx, 0, ['float32', 'float64']);
    const x = input(ctx, 0);
    normalizeAxis(ctx.node, softmaxAttrs(ctx.node).axis, x.shape.length);
    return [{ dtype, shape: [...x.shape] }];
  },
  evaluate(node, [x]) {
    const dims = x!.dims;
    const axis = normalizeAxis(node, softmaxAttrs(node).axis, dims.length);
    const outer = sizeOf(dims.slice(0, axis)), n = dims[axis] ?? 1, inner = sizeOf(dims.slice(axis + 1));
    const out = makeTensor(x!.dtype, [...dims]);
    const X = x!.data as Float32Array, Y = out.data as Float32Array;
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
      const at = (k: number) => (o * n + k) * inner + i;
      let max = -Infinity;
      for (let k = 0; k < n; k++) max = Math.max(max, X[at(k)]!);
      let sum = 0;
      for (let k = 0; k < n; k++) sum += Math.exp(X[at(k)]! - max);
      for (let k = 0; k < n; k++) Y[at(k)] = Math.exp(X[at(k)]! - max) / sum;
    }
    return [out];
  },
  flops(ctx) { return 5 * sizeOf(input(ctx, 0).shape.filter((d): d is number => typeof d === 'number')); },
};

registerOp(softmax);
