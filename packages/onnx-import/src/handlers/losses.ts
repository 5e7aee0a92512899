// NegativeLogLikelihoodLoss (opsets 12, 13) is the IR op of the same name (ignore_index kept only
// when given). SoftmaxCrossEntropyLoss (12, 13) is LogSoftmax over the class axis followed by it;
// its optional second output is that LogSoftmax.
import { Attrs } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';

function lossAttrs(ctx: HandlerContext): Attrs {
  const a: Attrs = { reduction: ctx.node.attrs.reduction ?? 'mean' };
  if (typeof ctx.node.attrs.ignore_index === 'number') a.ignore_index = ctx.node.attrs.ignore_index;
  return a;
}

function lossInputs(ctx: HandlerContext, scores: string): string[] {
  const weight = ctx.node.inputs[2];
  return weight ? [scores, ctx.node.inputs[1]!, weight] : [scores, ctx.node.inputs[1]!];
}

registerHandler('NegativeLogLikelihoodLoss', 12, (ctx) => {
  ctx.emit('NegativeLogLikelihoodLoss', lossInputs(ctx, ctx.node.inputs[0]!), lossAttrs(ctx), ctx.node.outputs.slice(0, 1));
});

registerHandler('SoftmaxCrossEntropyLoss', 12, (ctx) => {
  const { node } = ctx;
  const logProb = node.outputs[1];
  const [lp] = ctx.emit('LogSoftmax', [node.inputs[0]!], { axis: 1 }, logProb ? [logProb] : 1);
  ctx.emit('NegativeLogLikelihoodLoss', lossInputs(ctx, lp!), lossAttrs(ctx), node.outputs.slice(0, 1));
});
