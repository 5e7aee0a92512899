// LayerNormalization (opset 17): the IR op of the same name. Statistics are computed in float32,
// which is what stash_type=1 (the default and the only value onnxruntime implements) asks for.
import { registerHandler } from '../handler-registry.js';

registerHandler('LayerNormalization', 17, (ctx) => {
  const { node } = ctx;
  const stash = node.attrs.stash_type ?? 1;
  if (stash !== 1) ctx.fail(`stash_type ${String(stash)} is not supported (only 1, float32)`);
  const inputs = node.inputs.slice(0, 3);
  while (inputs.length > 2 && !inputs[inputs.length - 1]) inputs.pop();
  ctx.emit('LayerNormalization', inputs, { axis: node.attrs.axis ?? -1, epsilon: node.attrs.epsilon ?? 1e-5 }, node.outputs);
});
