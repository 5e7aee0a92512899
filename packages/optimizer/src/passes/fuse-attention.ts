// Recognizes scaled dot-product attention as exporters write it —
//   MatMul(Q [÷ c | × c], Kᵀ) [÷ c | × c] [+ mask] → Softmax(last axis) → MatMul(·, V)
// — and replaces it with one Attention node, whose kernel keeps each head's score rows in
// scratch instead of writing the whole [heads, S, T] score tensor to memory and reading it back.
// Rank-3 operands [N, S, D] become Attention's [1, N, S, D] through Reshape views (no copies); a
// Kᵀ made by a Transpose becomes K by composing the permutation, so no extra transpose runs.
import { AttrValue, Dim, Node, dimDiv, dimTerms, isFn, makeTensor, readActivation, softmaxAttrs, transposeAttrs } from '@onnx2wasm/ir';
import { GraphView, Patch, Rule, rewritePass, scalarConstant, soleProducer } from '../rewrite.js';

/** A Div or Mul by a scalar constant: its data input and the factor it applies. */
function scaling(view: GraphView, n: Node | undefined): { x: string; factor: number } | undefined {
  if (!n || !isFn(n, 'Div', 'Mul')) return undefined;
  for (const k of isFn(n, 'Div') ? [0] : [0, 1]) {
    const c = scalarConstant(view, n.inputs[1 - k]);
    if (c !== undefined && c !== 0) return { x: n.inputs[k]!, factor: isFn(n, 'Div') ? 1 / c : c };
  }
  return undefined;
}

/**
 * Attention's [batch, heads] for rank-3 operands whose leading dim N stacks both. Without a mask any
 * split computes the same, so a symbolic N = h*batch becomes [batch, h] (the layout exporters
 * flattened); with a mask, [1, N] keeps the mask's broadcasting over N as written.
 */
function splitHeads(n: Dim, masked: boolean): Dim[] {
  const [term, ...rest] = dimTerms(n);
  if (masked || typeof n === 'number' || !term || rest.length || term.coef <= 1) return [1, n];
  return [dimDiv(n, term.coef)!, term.coef];
}

const fuse: Rule = {
  name: 'fuse-attention',
  apply(mm2, view) {
    if (mm2.op !== 'MatMul' || mm2.inputs.length !== 2 || readActivation(mm2)) return undefined;
    const [pv, v] = mm2.inputs as [string, string];
    const softmax = soleProducer(view, pv, 'Softmax');
    if (!softmax) return undefined;
    const rank = view.type(pv).shape.length;
    const { axis } = softmaxAttrs(softmax);
    if ((rank !== 3 && rank !== 4) || (axis !== -1 && axis !== rank - 1)) return undefined;
    const remove: Node[] = [mm2, softmax];
    let scores = softmax.inputs[0]!;
    let factor = 1;
    let mask: string | undefined;
    const add = soleProducer(view, scores, 'Add');
    if (add) {
      for (const k of [0, 1]) {
        const m = add.inputs[1 - k]!;
        const mt = view.type(m);
        if (view.producer(add.inputs[k]!)?.op === 'MatMul' || scaling(view, view.producer(add.inputs[k]!))) {
          if (mt.dtype !== 'float32' || mt.shape.length > rank || mt.shape.length < 2) return undefined; // Attention masks are rank 2 to 4
          mask = m;
          scores = add.inputs[k]!;
          remove.push(add);
          break;
        }
      }
      if (!mask) return undefined;
    }
    const post = scaling(view, soleProducer(view, scores, 'Div') ?? soleProducer(view, scores, 'Mul'));
    if (post) {
      remove.push(view.producer(scores)!);
      factor *= post.factor;
      scores = post.x;
    }
    const mm1 = soleProducer(view, scores, 'MatMul');
    if (!mm1 || mm1.inputs.length !== 2) return undefined;
    remove.push(mm1);
    let [q, kt] = mm1.inputs as [string, string];
    const pre = scaling(view, soleProducer(view, q, 'Div') ?? soleProducer(view, q, 'Mul'));
    if (pre) {
      remove.push(view.producer(q)!);
      factor *= pre.factor;
      q = pre.x;
    }
    const [tq, tk, tv] = [view.type(q), view.type(kt), view.type(v)];
    if ([tq, tk, tv].some((t) => t.dtype !== 'float32' || t.shape.length !== rank)) return undefined;
    const lead = (s: Dim[]) => s.slice(0, -2).join();
    if (lead(tq.shape) !== lead(tk.shape) || lead(tq.shape) !== lead(tv.shape)) return undefined;

    // K from Kᵀ: compose with the Transpose that made Kᵀ, or add a swap of the last two axes.
    const nodes: Node[] = [];
    const name = mm2.name;
    const swap = [...Array(rank).keys()].map((i) => (i === rank - 2 ? rank - 1 : i === rank - 1 ? rank - 2 : i));

    const tr = soleProducer(view, kt, 'Transpose');
    const k3 = view.fresh(`${name}/K`);
    if (tr) {
      const p = transposeAttrs(tr).perm;
      remove.push(tr);
      nodes.push({ name: `${name}/K`, op: 'Transpose', inputs: [tr.inputs[0]!], outputs: [k3], attrs: { perm: swap.map((i) => p[i]!) } });
    } else {
      nodes.push({ name: `${name}/K`, op: 'Transpose', inputs: [kt], outputs: [k3], attrs: { perm: swap } });
    }

    const constants: Patch['constants'] = [];
    // A reshape target: a constant when static, else a Dims node evaluated at run time.
    const target = (dims: Dim[]): string => {
      const shape = view.fresh(`${name}/shape`);
      if (dims.every((d) => typeof d === 'number')) constants.push([shape, makeTensor('int64', [dims.length], dims as number[])]);
      else nodes.push({ name: `${name}/dims_${nodes.length}`, op: 'Dims', inputs: [], outputs: [shape], attrs: { dims: dims as AttrValue } });
      return shape;
    };
    const heads = rank === 3 ? splitHeads(tq.shape[0]!, !!mask) : [];
    const to4d = (x: string, dims: Dim[]): string => {
      if (rank === 4) return x;
      const out = view.fresh(`${name}/4d`), shape = target([...heads, ...dims.slice(1)]);
      nodes.push({ name: `${name}/reshape_${nodes.length}`, op: 'Reshape', inputs: [x, shape], outputs: [out], attrs: { allowzero: 0 } });
      return out;
    };
    const kd = view.type(kt).shape;
    const kDims = [...kd.slice(0, -2), kd[rank - 1]!, kd[rank - 2]!];
    const q4 = to4d(q, tq.shape), k4 = to4d(k3, kDims), v4 = to4d(v, tv.shape);
    const out = mm2.outputs[0]!;
    const attention: Node = { name, op: 'Attention', inputs: mask ? [q4, k4, v4, mask] : [q4, k4, v4], outputs: [out], attrs: { scale: factor, is_causal: 0, causal_offset: 0, causal_from_nonpad: 0, softcap: 0, qk_matmul_output_mode: 0 } };
    if (rank === 4) {
      nodes.push(attention);
    } else {
      const o4 = view.fresh(`${name}/out4d`);
      attention.outputs = [o4];
      nodes.push(attention);
      const shape = target(view.type(out).shape);
      nodes.push({ name: `${name}/reshape_out`, op: 'Reshape', inputs: [o4, shape], outputs: [out], attrs: { allowzero: 0 } });
    }
    return { remove, insert: nodes, constants };
  },
};

export const fuseAttention = rewritePass(
  'fuse-attention',
  'replace MatMul → scale → (mask) → Softmax → MatMul with one Attention node',
  [fuse],
);
