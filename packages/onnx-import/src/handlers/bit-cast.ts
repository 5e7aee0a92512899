// BitCast (opset 26): the IR op of the same name, its ONNX type code turned into a dtype name.
import { registerHandler } from '../handler-registry.js';
import { ONNX_DTYPES } from '../tensor-proto.js';

registerHandler('BitCast', 26, (ctx) => {
  const code = ctx.node.attrs.to;
  const to = typeof code === 'number' ? ONNX_DTYPES[code] : undefined;
  if (!to) ctx.fail(`attribute 'to' (${String(code)}) is not a supported ONNX type code`);
  ctx.emit('BitCast', [ctx.node.inputs[0]!], { to: to! }, ctx.node.outputs);
});
