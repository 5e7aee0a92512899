// CausalConvWithState (opset 27): a depthwise 1-D convolution over [B, C, L] that only looks back.
// It expands like the op's function body: the input is prefixed with past_state (or K - 1 zeros),
// convolved with group = C and no padding, optionally passed through SiLU, and the last K - 1
// steps of the prefixed input become present_state. float16 tensors are computed in float32 (the
// IR Conv has no float16 kernel) and the results cast back.
import { Attrs, makeTensor } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { int64Vector } from './const-input.js';

function staticDims(ctx: HandlerContext, name: string, rank: number): number[] {
  const { shape } = ctx.typeOf(name);
  if (shape.length !== rank || shape.some((d) => typeof d !== 'number')) ctx.fail(`input '${name}' must have a static rank-${rank} shape, got [${shape}]`);
  return shape as number[];
}

registerHandler('CausalConvWithState', 27, (ctx) => {
  const { node } = ctx;
  const [x, w, bias, past] = node.inputs;
  const [out, present] = node.outputs;
  const activation = (node.attrs.activation as string | undefined) ?? 'none';
  if (!['none', 'silu', 'swish'].includes(activation)) ctx.fail(`activation '${activation}' is not supported (none, silu, swish)`);
  const dtype = ctx.typeOf(x!).dtype;
  if (dtype !== 'float32' && dtype !== 'float16') ctx.fail(`dtype ${dtype} is not supported (float32, float16)`);
  const [b, c, l] = staticDims(ctx, x!, 3) as [number, number, number];
  const k = staticDims(ctx, w!, 3)[2]!;
  const f32 = (v: string) => (dtype === 'float16' ? ctx.emit('Cast', [v], { to: 'float32' })[0]! : v);
  // Emits the op that computes an output straight into it, or through a Cast back to float16.
  const emitOut = (op: string, inputs: string[], attrs: Attrs, name: string | undefined): string => {
    if (dtype === 'float32' && name) return ctx.emit(op, inputs, attrs, [name])[0]!;
    const [v] = ctx.emit(op, inputs, attrs);
    if (name) ctx.emit('Cast', [v!], { to: 'float16' }, [name]);
    return v!;
  };

  const x32 = f32(x!);
  let padded = x32;
  if (k > 1) {
    const prefix = past ? f32(past) : ctx.addConstant(makeTensor('float32', [b, c, k - 1]), 'zero_state');
    padded = ctx.emit('Concat', [prefix, x32], { axis: 2 })[0]!;
  }
  const convAttrs = { kernel_shape: [k], strides: [1], dilations: [1], pads: [0, 0], group: c };
  const convInputs = [padded, f32(w!), ...(bias ? [f32(bias)] : [])];
  if (activation === 'none') {
    emitOut('Conv', convInputs, convAttrs, out);
  } else {
    const [conv] = ctx.emit('Conv', convInputs, convAttrs);
    emitOut('Mul', [conv!, ctx.emit('Sigmoid', [conv!])[0]!], {}, out);
  }
  if (present) {
    const total = l + k - 1;
    const bound = (v: number) => ctx.addConstant(int64Vector([v]), 'state_bound');
    emitOut('Slice', [padded, bound(total - (k - 1)), bound(total), bound(2)], {}, present);
  }
});
