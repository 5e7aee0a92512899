// NegativeLogLikelihoodLoss(input, target, weight?) {reduction, ignore_index?}: input is
// [N, C, d…] log-probabilities, target [N, d…] class indices, weight [C] per-class weights.
//   loss[n, d…] = -input[n, target[n, d…], d…] · weight[target], and 0 where target is ignore_index;
//   reduction 'none' keeps that tensor, 'sum' adds it up, 'mean' divides the sum by the summed
//   weights of the targets not ignored (their count without weights).
// A target outside [0, C) that is not ignored is an error (the kernel traps).
import { Node } from '../graph.js';
import { OpDef, attrString, expectDType, fail, input, registerOp } from '../op-registry.js';
import { makeTensor, sizeOf } from '../tensor.js';

export function lossReduction(node: Node): 'none' | 'sum' | 'mean' {
  const r = attrString(node, 'reduction');
  if (r !== 'none' && r !== 'sum' && r !== 'mean') fail(node, `reduction '${r}' is not one of none, sum, mean`, 'INVALID_ATTRIBUTE');
  return r;
}

/** The ignored class, or undefined when the attribute is absent. */
export function ignoreIndex(node: Node): number | undefined {
  const v = node.attrs.ignore_index;
  return typeof v === 'number' ? v : undefined;
}

export const nllLoss: OpDef = {
  name: 'NegativeLogLikelihoodLoss',
  group: 'reduce',
  description: 'negative log-likelihood of the target classes, optionally weighted, reduced by none / sum / mean',
  infer(ctx) {
    const { node } = ctx;
    expectDType(ctx, 0, ['float32']);
    expectDType(ctx, 1, ['int32', 'int64']);
    const x = input(ctx, 0).shape, t = input(ctx, 1).shape;
    if (x.length < 2 || t.length !== x.length - 1) fail(node, `input [${x}] must be [N, C, d…] and target [${t}] must be [N, d…]`);
    const expected = [x[0], ...x.slice(2)];
    t.forEach((d, a) => { if (typeof d === 'number' && typeof expected[a] === 'number' && d !== expected[a]) fail(node, `target [${t}] does not match input [${x}]`); });
    const w = ctx.inputs[2];
    if (w && (w.dtype !== 'float32' || w.shape.length !== 1 || (typeof w.shape[0] === 'number' && typeof x[1] === 'number' && w.shape[0] !== x[1]))) fail(node, `weight [${w.shape}] must be float32 [C]`);
    return [{ dtype: 'float32', shape: lossReduction(node) === 'none' ? [...t] : [] }];
  },
  evaluate(node, [x, target, weight]) {
    const [N, C] = x!.dims as [number, number];
    const D = sizeOf(x!.dims.slice(2));
    const reduction = lossReduction(node), ignored = ignoreIndex(node);
    const losses = makeTensor('float32', [...target!.dims]);
    let sum = 0, wsum = 0;
    for (let n = 0; n < N; n++) for (let d = 0; d < D; d++) {
      const t = Number(target!.data[n * D + d]);
      if (t === ignored) continue;
      if (t < 0 || t >= C) fail(node, `target ${t} is outside [0, ${C})`);
      const w = weight ? Number(weight.data[t]) : 1;
      const l = -Number(x!.data[(n * C + t) * D + d]) * w;
      (losses.data as Float32Array)[n * D + d] = l;
      sum += l;
      wsum += w;
    }
    if (reduction === 'none') return [losses];
    return [makeTensor('float32', [], [reduction === 'sum' ? sum : sum / wsum])];
  },
};

registerOp(nllLoss);
