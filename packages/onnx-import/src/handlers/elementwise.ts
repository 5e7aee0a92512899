import { BINARY_OPS, UNARY_OPS } from './op-lists.js';
import { direct, registerHandler } from '../handler-registry.js';

for (const op of [...BINARY_OPS, ...UNARY_OPS]) registerHandler(op, 1, direct());

// Clip before opset 11 carries min/max as attributes; the IR takes them as inputs.
registerHandler('Clip', 1, (ctx) => {
  const { node } = ctx;
  const dtype = ctx.typeOf(node.inputs[0]!).dtype;
  const lo = node.attrs.min, hi = node.attrs.max;
  const inputs = [node.inputs[0]!];
  inputs.push(typeof lo === 'number' ? ctx.addConstant({ dtype, dims: [], data: new Float32Array([lo]) }, 'min') : '');
  inputs.push(typeof hi === 'number' ? ctx.addConstant({ dtype, dims: [], data: new Float32Array([hi]) }, 'max') : '');
  ctx.emit('Clip', inputs, {}, node.outputs);
});
registerHandler('Clip', 11, direct());
