// Recognizes what exporters spell out op by op and replaces it with the one IR op that means it:
//   LayerNormalization from ReduceMean / Sub / Pow / ReduceMean / Add / Sqrt / Div (+ Mul γ, Add β),
//   the form PyTorch writes before opset 17;
//   Gelu from x · 0.5 · (1 + erf(x / √2)) in its usual orderings.
// The replacements are fused further downstream (Gelu into a matmul epilogue).
import { Node, Tensor, functionNode, isFn, makeTensor, reduceAttrs } from '@onnx2wasm/ir';
import { GraphView, Patch, Rule, rewritePass, scalarConstant, soleProducer } from '../rewrite.js';

/** The other input of a binary node, given one of them. */
function other(n: Node, v: string): string | undefined {
  return n.inputs[0] === v ? n.inputs[1] : n.inputs[1] === v ? n.inputs[0] : undefined;
}

/** Reduce over exactly the last `count` axes of a rank-`rank` value, keeping dims. */
function lastAxes(n: Node, rank: number): number | undefined {
  const { axes, keepdims } = reduceAttrs(n);
  if (!keepdims || axes.length === 0) return undefined;
  const norm = axes.map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
  return norm.every((a, i) => a === rank - norm.length + i) ? norm.length : undefined;
}

const layerNorm: Rule = {
  name: 'layer-norm',
  apply(div, view) {
    if (!isFn(div, 'Div')) return undefined;
    const [dv, sv] = div.inputs;
    const sub = view.producer(dv!);
    const sqrt = soleProducer(view, sv, 'Sqrt');
    const add = sqrt && soleProducer(view, sqrt.inputs[0], 'Add');
    if (!sub || !isFn(sub, 'Sub') || !add || view.consumers(dv!).length !== 2 || view.isGraphOutput(dv!)) return undefined;
    const x = sub.inputs[0]!, mean = soleProducer(view, sub.inputs[1], 'ReduceMean');
    if (!mean || mean.inputs[0] !== x) return undefined;
    const varMean = add.inputs.map((i) => soleProducer(view, i, 'ReduceMean')).find(Boolean);
    const eps = varMean ? scalarConstant(view, other(add, varMean.outputs[0]!)) : undefined;
    const pow = varMean && soleProducer(view, varMean.inputs[0], 'Pow');
    if (!varMean || eps === undefined || !pow || pow.inputs[0] !== dv || scalarConstant(view, pow.inputs[1]) !== 2) return undefined;
    const xt = view.type(x);
    if (xt.dtype !== 'float32') return undefined;
    const rank = xt.shape.length;
    const k = lastAxes(mean, rank);
    if (k === undefined || lastAxes(varMean, rank) !== k) return undefined;
    const normShape = xt.shape.slice(rank - k);
    if (normShape.some((d) => typeof d !== 'number')) return undefined;
    // Optional affine tail: Mul by γ, Add β (constants shaped like the normalized axes).
    const remove: Node[] = [mean, sub, pow, varMean, add, sqrt!, div];
    let out = div.outputs[0]!;
    let gamma: Tensor | undefined, beta: Tensor | undefined;
    const n = normShape.reduce<number>((a, d) => a * (d as number), 1);
    const fits = (t: Tensor | undefined) => t && t.dtype === 'float32' && t.data.length === n && t.dims.slice(-k).join() === normShape.join();
    const mul = view.singleUse(out) ? view.consumers(out)[0] : undefined;
    if (isFn(mul, 'Mul') && fits(view.constant(other(mul, out) ?? ''))) {
      gamma = view.constant(other(mul, out)!)!;
      remove.push(mul);
      out = mul.outputs[0]!;
      const addB = view.singleUse(out) ? view.consumers(out)[0] : undefined;
      if (isFn(addB, 'Add') && fits(view.constant(other(addB, out) ?? ''))) {
        beta = view.constant(other(addB, out)!)!;
        remove.push(addB);
        out = addB.outputs[0]!;
      }
    }
    const gName = view.fresh(`${div.name}/gamma`), bName = view.fresh(`${div.name}/beta`);
    const patch: Patch = {
      remove,
      constants: [
        [gName, makeTensor('float32', normShape as number[], gamma ? (gamma.data as Float32Array) : new Array(n).fill(1))],
        [bName, makeTensor('float32', normShape as number[], beta ? (beta.data as Float32Array) : new Array(n).fill(0))],
      ],
      insert: [{ name: div.name, op: 'LayerNormalization', inputs: [x, gName, bName], outputs: [out], attrs: { axis: rank - k, epsilon: eps } }],
    };
    return patch;
  },
};

/** x · 0.5 · (1 + erf(x / √2)), with the 0.5 applied to x, to the sum, or to the product. */
const gelu: Rule = {
  name: 'gelu',
  apply(n, view) {
    if (!isFn(n, 'Mul')) return undefined;
    const match = (a: string, b: string): { x: string; nodes: Node[] } | undefined => {
      // a = 1 + erf(x / √2) [maybe times 0.5], b = x [maybe times 0.5]
      let half = false;
      const nodes: Node[] = [];
      let plus = soleProducer(view, a, 'Add');
      if (!plus) {
        const m = soleProducer(view, a, 'Mul');
        const inner = m && [0, 1].map((i) => ({ v: m.inputs[i]!, c: scalarConstant(view, m.inputs[1 - i]) })).find((p) => p.c === 0.5);
        if (!m || !inner) return undefined;
        plus = soleProducer(view, inner.v, 'Add');
        half = true;
        nodes.push(m);
      }
      if (!plus) return undefined;
      const erfOut = plus.inputs.find((i) => scalarConstant(view, other(plus!, i)) === 1);
      const erf = soleProducer(view, erfOut, 'Erf');
      const scaled = erf && view.producer(erf.inputs[0]!);
      if (!erf || !scaled || !view.singleUse(erf.inputs[0]!)) return undefined;
      let x: string | undefined;
      if (isFn(scaled, 'Div') && Math.abs((scalarConstant(view, scaled.inputs[1]) ?? 0) - Math.SQRT2) < 1e-4) x = scaled.inputs[0];
      if (isFn(scaled, 'Mul')) {
        const i = [0, 1].find((k) => Math.abs((scalarConstant(view, scaled.inputs[k]) ?? 0) - Math.SQRT1_2) < 1e-4);
        if (i !== undefined) x = scaled.inputs[1 - i];
      }
      if (!x) return undefined;
      nodes.push(plus, erf, scaled);
      let bx = b;
      if (!half) {
        const m = soleProducer(view, b, 'Mul');
        const pair = m && [0, 1].map((k) => ({ v: m.inputs[k]!, c: scalarConstant(view, m.inputs[1 - k]) })).find((p) => p.c === 0.5);
        if (!m || !pair) return undefined;
        bx = pair.v;
        nodes.push(m);
      }
      return bx === x ? { x, nodes } : undefined;
    };
    // The 0.5 on the outside: Mul(Mul(x, 1 + erf), 0.5)
    const outer = [0, 1].find((k) => scalarConstant(view, n.inputs[k]) === 0.5);
    if (outer !== undefined) {
      const inner = soleProducer(view, n.inputs[1 - outer], 'Mul');
      if (inner) {
        for (const k of [0, 1]) {
          const x = inner.inputs[k]!;
          const plus = soleProducer(view, inner.inputs[1 - k], 'Add');
          if (!plus) continue;
          const erfOut = plus.inputs.find((i) => scalarConstant(view, other(plus, i)) === 1);
          const erf = soleProducer(view, erfOut, 'Erf');
          const d = erf && soleProducer(view, erf.inputs[0], 'Div');
          if (erf && d && d.inputs[0] === x && Math.abs((scalarConstant(view, d.inputs[1]) ?? 0) - Math.SQRT2) < 1e-4) {
            return { remove: [d, erf, plus, inner, n], insert: [functionNode(n.name, 'Gelu', [x], [n.outputs[0]!], { approximate: 'none' })] };
          }
        }
      }
    }
    for (const [a, b] of [[n.inputs[0]!, n.inputs[1]!], [n.inputs[1]!, n.inputs[0]!]]) {
      const m = match(a, b);
      if (m) return { remove: [...m.nodes, n], insert: [functionNode(n.name, 'Gelu', [m.x], [n.outputs[0]!], { approximate: 'none' })] };
    }
    return undefined;
  },
};

export const recognizePatterns = rewritePass(
  'recognize-patterns',
  'rewrite spelled-out LayerNormalization and GELU into single ops',
  [layerNorm, gelu],
);
