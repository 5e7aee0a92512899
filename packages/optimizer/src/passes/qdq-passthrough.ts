// DequantizeLinear → MaxPool | Concat | Reshape | Flatten | … → QuantizeLinear, 8-bit and per
// tensor, runs the op on the 8-bit values themselves, as onnxruntime's QDQ transformer does: the op
// only moves or compares values, dequantizing is monotone (scale > 0) and
// QuantizeLinear(DequantizeLinear(v)) = v exactly for 8-bit v, so the result is the same bytes
// without two float round trips (and the next integer op reads them as they are). An input whose
// scale or zero point differs from the output's (a Concat of two convs' outputs, each with its own
// scale) is first moved to the output's by a Requantize node, which computes exactly those two
// float steps per value (QuantizeLinear commutes with the op: it is applied value by value, and a
// monotone map commutes with MaxPool's max).
import { Node, Tensor, makeTensor, quantizeAttrs } from '@onnx2wasm/ir';
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
    const requantize: Node[] = [];
    const constants: [string, Tensor][] = [];
    for (const i of data) {
      const dq = view.producer(n.inputs[i]!);
      const from = dq?.op === 'DequantizeLinear' ? view.type(dq.inputs[0]!).dtype : undefined;
      if (!dq || (from !== 'int8' && from !== 'uint8')) return undefined;
      const dp = params(view, dq);
      if (!dp) return undefined;
      if (dp.s === qp.s && dp.z === qp.z && from === to) {
        inputs[i] = dq.inputs[0]!;
        continue;
      }
      // The zero points as inputs of their 8-bit dtypes (an absent one is 0).
      const zp = (node: Node, dtype: 'int8' | 'uint8', z: number) => {
        if (node.inputs[2]) return node.inputs[2];
        const name = view.fresh(`${node.name}_zero_point`);
        constants.push([name, makeTensor(dtype, [], [z])]);
        return name;
      };
      inputs[i] = view.fresh(`${dq.inputs[0]}_requantized`);
      requantize.push({
        name: view.fresh(`${n.name}_requantize_${i}`), op: 'Requantize', attrs: {},
        inputs: [dq.inputs[0]!, dq.inputs[1]!, zp(dq, from, dp.z), q.inputs[1]!, zp(q, to, qp.z)], outputs: [inputs[i]!],
      });
    }
    return { remove: [n, q], insert: [...requantize, { ...n, inputs, outputs: q.outputs }], constants };
  },
};
