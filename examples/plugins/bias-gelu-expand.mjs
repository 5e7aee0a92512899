// com.microsoft:BiasGelu as an import-time expansion into existing IR ops:
//   y = gelu_erf(X + bias)  →  Add, then Gelu (exact erf form).
import { definePlugin } from 'onnx2wasm';

export default definePlugin({
  name: 'bias-gelu',
  ops: [{
    domain: 'com.microsoft',
    opType: 'BiasGelu',
    sinceVersion: 1,
    expand(ctx) {
      const [x, bias] = ctx.node.inputs;
      if (!x || !bias) ctx.fail('BiasGelu takes two inputs, X and bias');
      const [sum] = ctx.emit('Add', [x, bias]);
      ctx.emit('Gelu', [sum], { approximate: 'none' }, ctx.node.outputs);
    },
  }],
});
