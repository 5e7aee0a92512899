// DeformConv (opset 19; 22 only widens the types) maps 1:1 to the IR op, which takes explicit pads
// like ONNX's. The window attributes ONNX leaves to the weights' shape are written here.
import { registerHandler } from '../handler-registry.js';

registerHandler('DeformConv', 19, (ctx) => {
  const { node } = ctx;
  const w = ctx.typeOf(node.inputs[1]!).shape.slice(2);
  const given = node.attrs.kernel_shape;
  const kernel = Array.isArray(given) ? given as number[] : w.map((d) => {
    if (typeof d !== 'number') ctx.fail(`the weights' spatial shape [${w}] must be static when kernel_shape is absent`);
    return d as number;
  });
  const rank = kernel.length;
  const attrs = {
    strides: new Array<number>(rank).fill(1), dilations: new Array<number>(rank).fill(1), pads: new Array<number>(2 * rank).fill(0),
    ...node.attrs, kernel_shape: kernel,
  };
  ctx.emit('DeformConv', node.inputs, attrs, node.outputs);
});
