// Random ops: RandomUniform(Like) map to the IR RandomUniform (marked nondeterministic so nothing
// folds it); RandomNormal(Like) expand to Box–Muller over two uniforms; Bernoulli expands, as its
// ONNX function body does, to uniform < p cast to the output dtype.
import { Attrs, DType, makeTensor } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { ONNX_DTYPES } from '../tensor-proto.js';

function dtypeAttr(ctx: HandlerContext, dflt: DType): DType {
  const code = ctx.node.attrs.dtype;
  if (code === undefined) return dflt;
  const d = ONNX_DTYPES[Number(code)];
  if (!d || d === 'string') ctx.fail(`dtype ${String(code)} is not a tensor element type`);
  return d!;
}

/** Attributes of one uniform draw; `stream` separates the draws of one node that share a seed. */
function uniformAttrs(ctx: HandlerContext, dtype: DType, low: number, high: number, stream = 0): Attrs {
  const attrs: Attrs = { dtype, low, high, nondeterministic: true };
  if (typeof ctx.node.attrs.seed === 'number') attrs.seed = ctx.node.attrs.seed + stream;
  if (ctx.node.attrs.shape !== undefined) attrs.shape = ctx.node.attrs.shape;
  return attrs;
}

const num = (ctx: HandlerContext, name: string, dflt: number) => (typeof ctx.node.attrs[name] === 'number' ? (ctx.node.attrs[name] as number) : dflt);

function uniform(like: boolean) {
  return (ctx: HandlerContext) => {
    const x = like ? [ctx.node.inputs[0]!] : [];
    const dtype = dtypeAttr(ctx, like ? ctx.typeOf(x[0]!).dtype : 'float32');
    ctx.emit('RandomUniform', x, uniformAttrs(ctx, dtype, num(ctx, 'low', 0), num(ctx, 'high', 1)), ctx.node.outputs);
  };
}

/** mean + scale * sqrt(-2 ln(1 - u1)) * cos(2π u2), computed in float32 (float64 when asked). */
function normal(like: boolean) {
  return (ctx: HandlerContext) => {
    const x = like ? [ctx.node.inputs[0]!] : [];
    const dtype = dtypeAttr(ctx, like ? ctx.typeOf(x[0]!).dtype : 'float32');
    const work: DType = dtype === 'float64' ? 'float64' : 'float32';
    const k = (v: number) => ctx.addConstant(makeTensor(work, [], [v]));
    const [u1] = ctx.emit('RandomUniform', x, uniformAttrs(ctx, work, 0, 1, 0));
    const [u2] = ctx.emit('RandomUniform', x, uniformAttrs(ctx, work, 0, 1, 1));
    const [lg] = ctx.emit('Log', [ctx.emit('Sub', [k(1), u1!])[0]!]);
    const [r] = ctx.emit('Sqrt', [ctx.emit('Mul', [lg!, k(-2)])[0]!]);
    const [c] = ctx.emit('Cos', [ctx.emit('Mul', [u2!, k(2 * Math.PI)])[0]!]);
    const [z] = ctx.emit('Mul', [r!, c!]);
    const scaled = ctx.emit('Mul', [z!, k(num(ctx, 'scale', 1))])[0]!;
    if (work === dtype) ctx.emit('Add', [scaled, k(num(ctx, 'mean', 0))], {}, ctx.node.outputs);
    else ctx.emit('Cast', [ctx.emit('Add', [scaled, k(num(ctx, 'mean', 0))])[0]!], { to: dtype }, ctx.node.outputs);
  };
}

registerHandler('RandomUniform', 1, uniform(false));
registerHandler('RandomUniformLike', 1, uniform(true));
registerHandler('RandomNormal', 1, normal(false));
registerHandler('RandomNormalLike', 1, normal(true));

registerHandler('Bernoulli', 15, (ctx) => {
  const p = ctx.node.inputs[0]!;
  const pType = ctx.typeOf(p).dtype;
  const [u] = ctx.emit('RandomUniform', [p], uniformAttrs(ctx, pType, 0, 1));
  const [hit] = ctx.emit('Less', [u!, p]);
  ctx.emit('Cast', [hit!], { to: dtypeAttr(ctx, pType) }, ctx.node.outputs);
});
