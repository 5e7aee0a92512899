// Transpose of a Transpose is one Transpose with the composed permutation (and nothing at all when
// the composition is the identity, which eliminate-noops then removes). Exporters produce such pairs
// around attention heads and channel shuffles.
import { Rule, rewritePass } from '../rewrite.js';

const composeTransposes: Rule = {
  name: 'compose-transposes',
  apply(n, view) {
    if (n.op !== 'Transpose' || !Array.isArray(n.attrs.perm)) return undefined;
    const inner = view.producer(n.inputs[0]!);
    if (!inner || inner.op !== 'Transpose' || !Array.isArray(inner.attrs.perm) || !view.singleUse(n.inputs[0]!)) return undefined;
    const p1 = inner.attrs.perm as number[], p2 = n.attrs.perm as number[];
    // y = t(t(x, p1), p2): y.dims[i] = x.dims[p1[p2[i]]]
    const perm = p2.map((i) => p1[i]!);
    return { remove: [inner, n], insert: [{ ...n, inputs: [inner.inputs[0]!], attrs: { ...n.attrs, perm } }] };
  },
};

export const cancelTransposes = rewritePass(
  'cancel-transposes',
  'compose back-to-back Transposes into one (identity compositions then vanish)',
  [composeTransposes],
);
