// Reshape, Flatten, Squeeze and Unsqueeze keep the bytes in order: the kernel is one memory.copy
// (any dtype). The optimizer removes those whose output type equals the input type. Most are views
// and emit no code; a Reshape whose target is read from a tensor at run time computes its dims
// (value-shaped-ops.ts) and then copies, as does a Squeeze without axes over symbolic dims (it
// checks that none of them is 1).
import { DTYPE_BYTES, Dim } from '@onnx2wasm/ir';
import { LowerContext, byteSize, registerLowering, staticViewIfAny } from '../../lowering.js';
import { Expr } from '../../wasm-builder.js';
import { computesDims, publishDims, valueDims } from '../emit/value-shaped.js';
import { reshapeByValues, unsqueezeByValues } from '../emit/value-shaped-ops.js';

const reshapeDims = valueDims();

/** Input axis of each output axis of a Squeeze without axes: every input axis but the static 1s. */
const squeezedAxes = (shape: readonly Dim[]): number[] => shape.flatMap((d, i) => (d === 1 ? [] : [i]));
const squeezeDims = valueDims((_node, [x], axis) => x!.shape[squeezedAxes(x!.shape)[axis]!]);

registerLowering({
  ops: ['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze'],
  runTimeDims: true,
  computedDims: (node, inputs, outputs) => (node.op === 'Reshape' || node.op === 'Unsqueeze' ? reshapeDims(node, inputs, outputs)
    : node.op === 'Squeeze' ? squeezeDims(node, inputs, outputs) : []),
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
  const copy = ctx.fn.copy(y.addr(), x.addr(), ctx.fn.mul(x.count(), DTYPE_BYTES[x.dtype]));
  return ctx.node.op === 'Squeeze' && computesDims(ctx) ? [...squeezeCheck(ctx), copy] : [copy];
}

/** A Squeeze without axes keeps its input's symbolic dims: each is published as is, and a 1 (which ONNX would remove) stops the run. */
function squeezeCheck(ctx: LowerContext): Expr[] {
  const { fn } = ctx;
  const x = ctx.inputs[0]!, from = squeezedAxes(x.shape);
  const dims = from.map(() => fn.local('i32')), bad = fn.local('i32');
  return [
    ...dims.map((l, a) => l.set(fn.i(x.dim(from[a]!)))),
    bad.set(dims.reduce<Expr>((acc, l) => fn.or(acc, fn.eq(l.get(), 1)), fn.i(0))),
    ...publishDims(ctx, dims, bad),
  ];
}
