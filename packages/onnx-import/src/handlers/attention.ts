// Attention (opset 23; opset 24 adds nonpad_kv_seqlen): normalized to the IR op's 4-D float32 form.
//   3-D inputs [B, S, H·D] are split into heads (Reshape [B, S, H, D] → Transpose [B, H, S, D]) and
//   the output is merged back the same way;
//   past_key / past_value are concatenated in front of K / V along the sequence axis, and the
//   concatenations are the present_key / present_value outputs;
//   float16 values are computed in float32 (Cast in and out), which is at least what
//   softmax_precision asks for;
//   the causal frontier moves by the past length, or per batch by nonpad_kv_seqlen[b] - S when the
//   cache is external (nonpad given without past_key).
import { DType } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { int64Vector } from './const-input.js';

/** Emits `op` writing to `out` when given, else to a fresh name; returns the name. */
function emitTo(ctx: HandlerContext, op: string, inputs: string[], attrs: Record<string, number | string | number[]>, out?: string): string {
  return ctx.emit(op, inputs, attrs, out ? [out] : 1)[0]!;
}

function toFloat32(ctx: HandlerContext, name: string): string {
  return ctx.typeOf(name).dtype === 'float16' ? emitTo(ctx, 'Cast', [name], { to: 'float32' }) : name;
}

/**
 * The name a float32 result should get: the ONNX output itself when no Cast follows, else a fresh
 * one ('' = fresh) that `finish` casts into the output.
 */
function direct(out: string | undefined, dtype: DType, reshaped = false): string {
  return out && dtype === 'float32' && !reshaped ? out : '';
}

/** Writes `value` (float32) to the ONNX output `out` in `dtype`, unless it was produced there directly. */
function finish(ctx: HandlerContext, value: string, out: string | undefined, dtype: DType): void {
  if (!out || value === out) return;
  emitTo(ctx, dtype === 'float32' ? 'Identity' : 'Cast', [value], dtype === 'float32' ? {} : { to: dtype }, out);
}

/** [B, S, H·D] → [B, H, S, D]. */
function splitHeads(ctx: HandlerContext, x: string, heads: number): string {
  const shape = ctx.addConstant(int64Vector([0, 0, heads, -1]), 'heads');
  const [r] = ctx.emit('Reshape', [x, shape]);
  return emitTo(ctx, 'Transpose', [r!], { perm: [0, 2, 1, 3] });
}

registerHandler('Attention', 23, (ctx) => {
  const { node } = ctx;
  const [q0, k0, v0, mask0, pastKey, pastValue, nonpad] = node.inputs;
  const [yOut, presentKeyOut, presentValueOut, qkOut] = node.outputs;
  const dtype = ctx.typeOf(q0!).dtype;
  if (dtype !== 'float32' && dtype !== 'float16') ctx.fail(`dtype ${dtype} is not supported (float32 or float16)`);
  const rank = ctx.typeOf(q0!).shape.length;
  if (rank !== 3 && rank !== 4) ctx.fail(`Q has rank ${rank}; expected 3 or 4`);
  if (!!pastKey !== !!pastValue) ctx.fail('past_key and past_value must be given together');
  const attr = (name: string) => (typeof node.attrs[name] === 'number' ? (node.attrs[name] as number) : undefined);
  let q = toFloat32(ctx, q0!), k = toFloat32(ctx, k0!), v = toFloat32(ctx, v0!);
  if (rank === 3) {
    const qHeads = attr('q_num_heads'), kvHeads = attr('kv_num_heads');
    if (!qHeads || !kvHeads) return ctx.fail('3-D inputs need the q_num_heads and kv_num_heads attributes');
    q = splitHeads(ctx, q, qHeads);
    k = splitHeads(ctx, k, kvHeads);
    v = splitHeads(ctx, v, kvHeads);
  }
  if (pastKey) {
    k = emitTo(ctx, 'Concat', [toFloat32(ctx, pastKey), k], { axis: 2 }, direct(presentKeyOut, dtype));
    v = emitTo(ctx, 'Concat', [toFloat32(ctx, pastValue!), v], { axis: 2 }, direct(presentValueOut, dtype));
  }
  finish(ctx, k, presentKeyOut, dtype);
  finish(ctx, v, presentValueOut, dtype);

  const D = ctx.typeOf(q).shape[3];
  const scale = attr('scale') ?? (typeof D === 'number' ? 1 / Math.sqrt(D) : ctx.fail('the head size must be static to derive the default scale'));
  const pastLen = pastKey ? ctx.typeOf(pastKey).shape[2] : 0;
  if (typeof pastLen !== 'number') ctx.fail('past_key must have a static sequence length');
  const inputs = [q, k, v, mask0 ? toFloat32(ctx, mask0) : '', nonpad ?? ''];
  while (!inputs[inputs.length - 1]) inputs.pop();
  const attrs = {
    scale,
    is_causal: attr('is_causal') ?? 0,
    causal_offset: pastLen,
    causal_from_nonpad: nonpad && !pastKey ? 1 : 0,
    softcap: attr('softcap') ?? 0,
    qk_matmul_output_mode: attr('qk_matmul_output_mode') ?? 0,
  };
  // Write straight into the ONNX outputs when none needs a Cast or a merge of heads afterwards.
  const outs = [direct(yOut, dtype, rank === 3), ...(qkOut ? [direct(qkOut, dtype)] : [])];
  const [y, qk] = ctx.emit('Attention', inputs, attrs, outs.every(Boolean) ? outs : outs.length);
  finish(ctx, qk!, qkOut, dtype);
  let merged = y!;
  if (rank === 3) {
    const t = emitTo(ctx, 'Transpose', [merged], { perm: [0, 2, 1, 3] });
    merged = emitTo(ctx, 'Reshape', [t, ctx.addConstant(int64Vector([0, 0, -1]), 'merge')], {}, direct(yOut, dtype));
  }
  finish(ctx, merged, yOut, dtype);
});
