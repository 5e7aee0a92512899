// Hardmax(x) {axis = -1} with opset-13 semantics: 1 at the first largest element along the axis, 0
// elsewhere (NaN counts as largest, like ArgMax). The importer rewrites the opset 1–12 form, which
// flattens to 2-D at `axis`, into this one.
import { OpDef, registerOp } from '../op-registry.js';
import { makeTensor } from '../tensor.js';
import { axisView, inferFloatAlongAxis, replacesBest, valueReader } from './arg-extreme.js';
import { softmaxAttrs } from './softmax.js';

export const hardmax: OpDef = {
  name: 'Hardmax',
  group: 'normalization',
  description: 'one-hot of the first maximum along an axis',
  infer: inferFloatAlongAxis,
  evaluate(node, [x]) {
    const { outer, n, inner } = axisView(node, x!.dims, softmaxAttrs(node).axis);
    const ys = new Array<number>(x!.data.length).fill(0);
    const at = valueReader(x!);
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
      if (n === 0) continue;
      let best = 0;
      for (let k = 1; k < n; k++) if (replacesBest(at((o * n + k) * inner + i), at((o * n + best) * inner + i), true, false, true)) best = k;
      ys[(o * n + best) * inner + i] = 1;
    }
    return [makeTensor(x!.dtype, [...x!.dims], ys)];
  },
};

registerOp(hardmax);
