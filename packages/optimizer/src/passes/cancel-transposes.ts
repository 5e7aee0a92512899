// Transpose of a Transpose is one Transpose with the composed permutation (and nothing at all when
// the composition is the identity, which eliminate-noops then removes). Exporters produce such pairs
// around attention heads and channel shuffles.
import { Node, transposeAttrs } from '@onnx2wasm/ir';
import { Rule, rewritePass } from '../rewrite.js';

/**
 * The rule; with `shared`, also when T1 has other readers (T1 then stays for them, and the
 * composed Transpose replaces T2 one for one): the layout pass's back-and-forth pairs meet at values
 * with several readers (a residual branch).
 */
export function composeTransposes(shared = false): Rule {
  return {
    name: 'compose-transposes',
    apply(n, view) {
      if (n.op !== 'Transpose') return undefined;
      const inner = view.producer(n.inputs[0]!);
      if (!inner || inner.op !== 'Transpose' || (!shared && !view.singleUse(n.inputs[0]!))) return undefined;
      const p1 = transposeAttrs(inner).perm, p2 = transposeAttrs(n).perm;
      // y = t(t(x, p1), p2): y.dims[i] = x.dims[p1[p2[i]]]
      const perm = p2.map((i) => p1[i]!);
      const replaced: Node = { ...n, inputs: [inner.inputs[0]!], attrs: { ...n.attrs, perm } };
      return shared ? { remove: [n], insert: [replaced] } : { remove: [inner, n], insert: [replaced] };
    },
  };
}

export const cancelTransposes = rewritePass(
  'cancel-transposes',
  'compose back-to-back Transposes into one (identity compositions then vanish)',
  [composeTransposes()],
);
