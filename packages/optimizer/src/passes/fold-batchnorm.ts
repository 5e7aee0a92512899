// Folds an inference BatchNormalization that directly follows a Conv or Gemm into that node's
// weights and bias: y = s·(W∗x + b − mean) + beta with s = gamma / sqrt(var + eps) is the same
// as (s·W)∗x + (s·(b − mean) + beta). Exporters without constant folding leave these pairs in.
import { Node, Tensor, batchNormalizationAttrs, gemmAttrs, makeTensor, readActivation } from '@onnx2wasm/ir';
import { GraphView, Rule, rewritePass } from '../rewrite.js';

function f32(t: Tensor | undefined): Float32Array | undefined {
  return t && t.dtype === 'float32' ? (t.data as Float32Array) : undefined;
}

/** s and shift per channel, or undefined when the BN's parameters are not all constant float32. */
function bnParams(bn: Node, view: GraphView, channels: number): { s: Float64Array; mean: Float32Array; beta: Float32Array } | undefined {
  if (bn.outputs.filter(Boolean).length !== 1) return undefined;
  const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((i) => f32(view.constant(bn.inputs[i] ?? '')));
  if (!gamma || !beta || !mean || !variance) return undefined;
  if ([gamma, beta, mean, variance].some((a) => a.length !== channels)) return undefined;
  const eps = batchNormalizationAttrs(bn).epsilon;
  const s = new Float64Array(channels);
  for (let c = 0; c < channels; c++) s[c] = gamma[c]! / Math.sqrt(variance[c]! + eps);
  return { s, mean, beta };
}

function foldedBias(old: Float32Array | undefined, p: { s: Float64Array; mean: Float32Array; beta: Float32Array }, scaleOld = 1): Tensor {
  const n = p.s.length;
  return makeTensor('float32', [n], Array.from({ length: n }, (_, c) => p.s[c]! * ((old ? scaleOld * old[c]! : 0) - p.mean[c]!) + p.beta[c]!));
}

const foldIntoConv: Rule = {
  name: 'fold-bn-into-conv',
  apply(bn, view) {
    if (bn.op !== 'BatchNormalization') return undefined;
    const conv = view.producer(bn.inputs[0]!);
    if (!conv || conv.op !== 'Conv' || !view.singleUse(bn.inputs[0]!) || readActivation(conv) || conv.inputs[3]) return undefined;
    const w = view.constant(conv.inputs[1]!);
    const wd = f32(w);
    if (!w || !wd) return undefined;
    const cout = w.dims[0]!;
    const p = bnParams(bn, view, cout);
    const oldBias = conv.inputs[2] ? f32(view.constant(conv.inputs[2])) : undefined;
    if (!p || (conv.inputs[2] && !oldBias)) return undefined;
    const per = wd.length / cout;
    const nw = makeTensor('float32', [...w.dims]);
    for (let c = 0; c < cout; c++) for (let k = 0; k < per; k++) (nw.data as Float32Array)[c * per + k] = wd[c * per + k]! * p.s[c]!;
    const wName = view.fresh(`${conv.name}/w_bn`), bName = view.fresh(`${conv.name}/b_bn`);
    return {
      remove: [conv, bn],
      insert: [{ ...conv, inputs: [conv.inputs[0]!, wName, bName], outputs: [bn.outputs[0]!] }],
      constants: [[wName, nw], [bName, foldedBias(oldBias, p)]],
    };
  },
};

const foldIntoGemm: Rule = {
  name: 'fold-bn-into-gemm',
  apply(bn, view) {
    if (bn.op !== 'BatchNormalization') return undefined;
    const gemm = view.producer(bn.inputs[0]!);
    if (!gemm || gemm.op !== 'Gemm' || !view.singleUse(bn.inputs[0]!) || readActivation(gemm) || gemm.inputs[3]) return undefined;
    const w = view.constant(gemm.inputs[1]!);
    const wd = f32(w);
    const attrs = gemmAttrs(gemm);
    if (!w || !wd || attrs.transA) return undefined;
    const { transB } = attrs;
    const n = transB ? w.dims[0]! : w.dims[1]!;
    const k = transB ? w.dims[1]! : w.dims[0]!;
    const p = bnParams(bn, view, n);
    const c = gemm.inputs[2] ? view.constant(gemm.inputs[2]) : undefined;
    if (!p || (gemm.inputs[2] && (!c || (c.data.length !== n && c.data.length !== 1)))) return undefined;
    const { beta } = attrs;
    const cv = c ? Float32Array.from({ length: n }, (_, i) => Number(c.data[c.data.length === 1 ? 0 : i])) : undefined;
    const nw = makeTensor('float32', [...w.dims]);
    for (let a = 0; a < k; a++) for (let j = 0; j < n; j++) {
      const idx = transB ? j * k + a : a * n + j;
      (nw.data as Float32Array)[idx] = wd[idx]! * p.s[j]!;
    }
    const wName = view.fresh(`${gemm.name}/w_bn`), bName = view.fresh(`${gemm.name}/b_bn`);
    return {
      remove: [gemm, bn],
      insert: [{ ...gemm, inputs: [gemm.inputs[0]!, wName, bName], outputs: [bn.outputs[0]!], attrs: { ...gemm.attrs, beta: 1 } }],
      constants: [[wName, nw], [bName, foldedBias(cv, p, beta)]],
    };
  },
};

export const foldBatchNorm = rewritePass(
  'fold-batchnorm',
  'fold inference BatchNormalization into the weights and bias of the Conv or Gemm before it',
  [foldIntoConv, foldIntoGemm],
);
