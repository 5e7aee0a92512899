// Rules of lower-qdq for onnxruntime's dynamic quantization (quantize_dynamic: DynamicQuantizeLinear
// → MatMulInteger → Cast → Mul by the scales → Add bias): the float32 epilogue moves into the
// integer matmul, so its kernel stores float32(acc) · scale + bias directly and the int32 sums never
// go through memory. The IR op ScaledMatMulInteger does exactly those float32 steps, so the result
// is unchanged bit for bit.
//   Mul(Cast<float32>(MatMulInteger(a, b, za, zb)), s)   → ScaledMatMulInteger(a, b, s, za, zb)
//   Add(ScaledMatMulInteger(…, no bias), bias)            → ScaledMatMulInteger(…, bias)
// s may be a run-time value (the activation scale times the weights' scale): one value, or one per
// column of b; bias a float32 constant of one value per column.
import { Node, castTarget, isFn, sizeOf } from '@onnx2wasm/ir';
import { GraphView, Rule, soleProducer } from '../rewrite.js';

const columns = (view: GraphView, mm: Node) => view.type(mm.inputs[1]!).shape[1];

/** One float32 value per column (or one in all) of `mm`'s output: a vector [N] or a scalar. */
function perColumn(view: GraphView, mm: Node, v: string, allowScalar: boolean): boolean {
  const t = view.type(v);
  if (t.dtype !== 'float32' || t.shape.length > 1 || !t.shape.every((d) => typeof d === 'number')) return false;
  const n = sizeOf(t.shape as number[]);
  return (t.shape.length === 1 && n === columns(view, mm)) || (allowScalar && n === 1);
}

const scaleIntoMatMul: Rule = {
  name: 'integer-matmul-to-float',
  apply(mul, view) {
    if (!isFn(mul, 'Mul')) return undefined;
    for (const side of [0, 1]) {
      const cast = soleProducer(view, mul.inputs[side], 'Cast');
      if (!cast || castTarget(cast) !== 'float32') continue;
      const mm = soleProducer(view, cast.inputs[0], 'MatMulInteger');
      const s = mul.inputs[1 - side]!;
      if (!mm || !perColumn(view, mm, s, true)) continue;
      const [a, b, za, zb] = mm.inputs;
      const inputs = [a!, b!, s, za ?? '', zb ?? ''];
      while (!inputs.at(-1)) inputs.pop();
      return { remove: [mm, cast, mul], insert: [{ name: `${mm.name}/scaled`, op: 'ScaledMatMulInteger', inputs, outputs: mul.outputs, attrs: {} }], constants: [] };
    }
    return undefined;
  },
};

const biasIntoMatMul: Rule = {
  name: 'integer-matmul-bias',
  apply(add, view) {
    if (!isFn(add, 'Add')) return undefined;
    for (const side of [0, 1]) {
      const mm = soleProducer(view, add.inputs[side], 'ScaledMatMulInteger');
      const bias = add.inputs[1 - side]!;
      if (!mm || mm.inputs[5] || !view.constant(bias) || !perColumn(view, mm, bias, false)) continue;
      const inputs = [...mm.inputs];
      while (inputs.length < 5) inputs.push('');
      return { remove: [mm, add], insert: [{ ...mm, inputs: [...inputs, bias], outputs: add.outputs }], constants: [] };
    }
    return undefined;
  },
};

export const integerMatMulRules: Rule[] = [scaleIntoMatMul, biasIntoMatMul];
