// LogSoftmax(x) {axis = -1} with opset-13 semantics: x - max - log(sum(exp(x - max))) along one
// axis. The importer rewrites the opset 1–12 form (flattening to 2-D at `axis`) into this one.
import { OpDef, input, registerOp } from '../op-registry.js';
import { makeTensor, sizeOf } from '../tensor.js';
import { axisView, inferFloatAlongAxis, valueReader } from './arg-extreme.js';
import { softmaxAttrs } from './softmax.js';

export const logSoftmax: OpDef = {
  name: 'LogSoftmax',
  group: 'normalization',
  description: 'log of the softmax along an axis, computed as x - max - log(sum(exp(x - max)))',
  infer: inferFloatAlongAxis,
  evaluate(node, [x]) {
    const { outer, n, inner } = axisView(node, x!.dims, softmaxAttrs(node).axis);
    const at = valueReader(x!) as (k: number) => number;
    const ys = new Array<number>(x!.data.length);
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
      const idx = (k: number) => (o * n + k) * inner + i;
      let max = -Infinity, sum = 0;
      for (let k = 0; k < n; k++) max = Math.max(max, at(idx(k)));
      for (let k = 0; k < n; k++) sum += Math.exp(at(idx(k)) - max);
      for (let k = 0; k < n; k++) ys[idx(k)] = at(idx(k)) - max - Math.log(sum);
    }
    return [makeTensor(x!.dtype, [...x!.dims], ys)];
  },
  flops(ctx) { return 5 * sizeOf(input(ctx, 0).shape.filter((d): d is number => typeof d === 'number')); },
};

registerOp(logSoftmax);
