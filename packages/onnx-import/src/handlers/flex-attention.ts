// ai.onnx.preview FlexAttention (1): scaled dot-product attention over [B, H, L, E] tensors whose
// graph attributes are inlined at their stage:
//   scores = scale * Q K^T -> score_mod -> mask_mod -> Softmax -> prob_mod -> probs V
// Each *_mod graph maps one [B, H, L, S] tensor to another. Grouped query heads (H_q a multiple
// of H_kv) read kv head h / group: Q is viewed as [B, H_kv, group * L, E], so one MatMul per
// kv head serves its whole group. Math is float32 (the Softmax kernel's type); float16 and
// float64 tensors are cast in and out, and the mod graphs see scores in the model's dtype.
import { DType, makeTensor } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { inlineGraph } from '../subgraph.js';
import { int64Vector } from './const-input.js';

function dims4(ctx: HandlerContext, name: string): [number, number, number, number] {
  const { shape } = ctx.typeOf(name);
  if (shape.length !== 4 || shape.some((d) => typeof d !== 'number')) ctx.fail(`input '${name}' must have a static [B, H, L, E] shape, got [${shape}]`);
  return shape as [number, number, number, number];
}

registerHandler('FlexAttention', 1, (ctx) => {
  const { node } = ctx;
  const [q, k, v] = node.inputs;
  const dtype: DType = ctx.typeOf(q!).dtype;
  if (!['float32', 'float16', 'float64'].includes(dtype)) ctx.fail(`dtype ${dtype} is not supported (float32, float16, float64)`);
  const [b, hq, l, e] = dims4(ctx, q!);
  const [, hkv, s] = dims4(ctx, k!);
  const ev = dims4(ctx, v!)[3];
  if (hq % hkv !== 0) ctx.fail(`query heads (${hq}) must be a multiple of key/value heads (${hkv})`);
  const group = hq / hkv;
  const scale = (node.attrs.scale as number | undefined) ?? 1 / Math.sqrt(e);

  const cast = (x: string, to: DType) => (ctx.typeOf(x).dtype === to ? x : ctx.emit('Cast', [x], { to })[0]!);
  const reshape = (x: string, d: number[]) => ctx.emit('Reshape', [x, ctx.addConstant(int64Vector(d), 'shape')])[0]!;
  // The context's opset is the preview domain's (1); the mod graphs' plain ONNX nodes are read at
  // opset 26, the release that introduced ai.onnx.preview (the context does not carry the model's).
  const onnxCtx = { ...ctx, opset: 26 };
  const mod = (x: string, attr: string): string => {
    const g = node.subgraphs?.[attr];
    if (!g) return x;
    const [y] = inlineGraph(onnxCtx, g, [cast(x, dtype)], attr);
    return cast(y!, 'float32');
  };

  const kT = ctx.emit('Transpose', [cast(k!, 'float32')], { perm: [0, 1, 3, 2] })[0]!;
  const qGrouped = reshape(cast(q!, 'float32'), [b, hkv, group * l, e]);
  const [raw] = ctx.emit('MatMul', [qGrouped, kT]);
  const [scaled] = ctx.emit('Mul', [raw!, ctx.addConstant(makeTensor('float32', [], [scale]), 'scale')]);
  const scores = mod(mod(reshape(scaled!, [b, hq, l, s]), 'score_mod'), 'mask_mod');
  const [probs] = ctx.emit('Softmax', [scores], { axis: -1 });
  const probsGrouped = reshape(mod(probs!, 'prob_mod'), [b, hkv, group * l, s]);
  const [y] = ctx.emit('MatMul', [probsGrouped, cast(v!, 'float32')]);
  const out = reshape(y!, [b, hq, l, ev]);
  ctx.emit(dtype === 'float32' ? 'Identity' : 'Cast', [out], dtype === 'float32' ? {} : { to: dtype }, node.outputs);
}, 'ai.onnx.preview');
