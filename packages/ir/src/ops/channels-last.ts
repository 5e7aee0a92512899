// Channels-last (NHWC) forms of the 2-D spatial ops, made by the optimizer's layout pass: the same
// op with X (and Conv's residual) as [N, H, W, C] and Y as [N, OH, OW, M]. Attributes keep their
// ONNX meaning, and Conv's weights stay [M, C/g, kh, kw] in the IR (the kernel packs them at
// compile time into the layout it reads). Each op is defined by its NCHW op: inference and
// evaluate transpose the layout inputs to NCHW, apply it and transpose the outputs back, so the
// reference cannot drift from the NCHW definition.
import { InferContext, OpDef, fail, getOp, registerOp } from '../op-registry.js';
import { Dim, ValueType } from '../graph.js';
import { transposeTensor } from './transpose.js';
import './conv.js';
import './pool.js';
import './global-pool.js';

/** NHWC → NCHW and NCHW → NHWC as Transpose perms. */
export const TO_NCHW = [0, 3, 1, 2];
export const TO_NHWC = [0, 2, 3, 1];

const permute = (shape: Dim[], perm: number[]): Dim[] => perm.map((p) => shape[p]!);

/** The NCHW op's view of an NHWC node's inputs. */
function nchwContext(ctx: InferContext, layoutInputs: number[]): InferContext {
  const inputs = ctx.inputs.map((t, i): ValueType | undefined => {
    if (!t || !layoutInputs.includes(i)) return t;
    if (t.shape.length !== 4) fail(ctx.node, `input ${i} has shape [${t.shape}]; the channels-last op takes 4-D [N, H, W, C]`);
    return { dtype: t.dtype, shape: permute(t.shape, TO_NCHW) };
  });
  const values = ctx.values.map((v, i) => (v && layoutInputs.includes(i) ? transposeTensor(v, TO_NCHW) : v));
  return { node: ctx.node, inputs, values };
}

function channelsLast(baseName: string, layoutInputs: number[]): OpDef {
  const base = getOp(baseName)!;
  const nhwcOut = (types: ValueType[]) => types.map((t) => ({ dtype: t.dtype, shape: permute(t.shape, TO_NHWC) }));
  return {
    name: `Nhwc${baseName}`,
    group: base.group,
    description: `${baseName} with channels-last [N, H, W, C] data (made by the layout pass)`,
    infer(ctx) {
      if (ctx.node.outputs.length !== 1) fail(ctx.node, `has ${ctx.node.outputs.length} outputs; Nhwc${baseName} has one`);
      const out = base.infer(nchwContext(ctx, layoutInputs));
      if (out[0]!.shape.length !== 4) fail(ctx.node, `output has rank ${out[0]!.shape.length}; the channels-last op is 2-D`);
      return nhwcOut(out);
    },
    evaluate(node, inputs) {
      const nchw = inputs.map((t, i) => (t && layoutInputs.includes(i) ? transposeTensor(t, TO_NCHW) : t));
      return base.evaluate(node, nchw).map((y) => transposeTensor(y, TO_NHWC));
    },
    ...(base.flops ? {
      flops: (ctx: InferContext, outputs: ValueType[]) => base.flops!(nchwContext(ctx, layoutInputs), outputs.map((t) => ({ dtype: t.dtype, shape: permute(t.shape, TO_NCHW) }))),
    } : {}),
  };
}

registerOp(channelsLast('Conv', [0, 3]));
registerOp(channelsLast('MaxPool', [0]));
registerOp(channelsLast('AveragePool', [0]));
registerOp(channelsLast('GlobalAveragePool', [0]));
registerOp(channelsLast('GlobalMaxPool', [0]));
