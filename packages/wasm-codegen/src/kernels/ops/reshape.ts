// Reshape, Flatten, Squeeze and Unsqueeze keep the bytes in order: the kernel is one memory.copy
// (any dtype). The optimizer removes those whose output type equals the input type. Most are views
// and emit no code; a Reshape whose target is read from a tensor at run time computes its dims
// (value-shaped-ops.ts) and then copies.
import { DTYPE_BYTES } from '@onnx2wasm/ir';
import { LowerContext, byteSize, registerLowering, staticViewIfAny } from '../../lowering.js';
import { Expr } from '../../wasm-builder.js';
import { computesDims, valueDims } from '../emit/value-shaped.js';
import { reshapeByValues, unsqueezeByValues } from '../emit/value-shaped-ops.js';

const reshapeDims = valueDims();

registerLowering({
  ops: ['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze'],
  runTimeDims: true,
  computedDims: (node, inputs, outputs) => (node.op === 'Reshape' || node.op === 'Unsqueeze' ? reshapeDims(node, inputs, outputs) : []),
  lower(context) {
    const ctx = staticViewIfAny(context);
    if (!ctx) return lowerReshapeRunTime(context);
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    const bytes = byteSize(y);
    return bytes === 0 ? [] : [ctx.fn.copy(y.addr, x.addr, bytes)];
  },
});

function lowerReshapeRunTime(ctx: LowerContext): Expr[] {
  if (ctx.node.op === 'Reshape' && computesDims(ctx)) return reshapeByValues(ctx);
  if (ctx.node.op === 'Unsqueeze' && computesDims(ctx)) return unsqueezeByValues(ctx);
  const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
  return [ctx.fn.copy(y.addr(), x.addr(), ctx.fn.mul(x.count(), DTYPE_BYTES[x.dtype]))];
}
