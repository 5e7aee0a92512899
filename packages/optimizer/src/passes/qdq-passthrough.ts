// DequantizeLinear → MaxPool | Concat | Reshape | Flatten | … → QuantizeLinear with the same scale
// and zero point on every side runs the op on the 8-bit values themselves, as onnxruntime's QDQ
// transformer does: the op only moves or compares values, dequantizing is monotone (scale > 0) and
// QuantizeLinear(DequantizeLinear(v)) = v exactly for 8-bit v, so the result is the same bytes
// without two float round trips (and the next integer op reads them as they are).
import { DType, Node, quantizeAttrs } from '@onnx2wasm/ir';
import { GraphView, Rule } from '../rewrite.js';
import { saturating, unblocked } from './qdq-attrs.js';

/** Ops and the inputs that carry data (the others, e.g. Reshape's shape, pass through). */
const DATA_INPUTS: Record<string, 'first' | 'all'> = {
  MaxPool: 'first', Concat: 'all', Reshape: 'first', Flatten: 'first', Transpose: 'first', Squeeze: 'first', Unsqueeze: 'first',
};

/** scale and zero point of an 8-bit per-tensor (De)QuantizeLinear, as numbers. */
function params(view: GraphView, n: Node): { s: number; z: number } | undefined {
  if (!unblocked(n)) return undefined;
  const s = view.constant(n.inputs[1]!);
  const z = n.inputs[2] ? view.constant(n.inputs[2]) : undefined;
  if (!s || s.dtype !== 'float32' || s.data.length !== 1 || (n.inputs[2] && (!z || z.data.length !== 1))) return undefined;
  const sv = Number(s.data[0]);
  return sv > 0 ? { s: sv, z: z ? Number(z.data[0]) : 0 } : undefined;
}

export const qdqPassthrough: Rule = {
  name: 'qdq-passthrough',
  apply(q, view) {
    if (q.op !== 'QuantizeLinear' || !saturating(q)) return undefined;
    const to = quantizeAttrs(q).to!;
    if (to !== 'int8' && to !== 'uint8') return undefined;
    const qp = params(view, q);
    const n = view.producer(q.inputs[0]!);
    const which = n ? DATA_INPUTS[n.op] : undefined;
    if (!qp || !n || !which || !view.singleUse(q.inputs[0]!) || n.outputs.length !== 1) return undefined;
    const data = which === 'first' ? [0] : n.inputs.map((_, i) => i);
    const inputs = [...n.inputs];
    for (const i of data) {
      const dq = view.producer(n.inputs[i]!);
      if (!dq || dq.op !== 'DequantizeLinear' || view.type(dq.inputs[0]!).dtype !== to) return undefined;
      const dp = params(view, dq);
      if (!dp || dp.s !== qp.s || dp.z !== qp.z) return undefined;
      inputs[i] = dq.inputs[0]!;
    }
    return { remove: [n, q], insert: [{ ...n, inputs, outputs: q.outputs }] };
  },
};
