// LinearAttention (opset 27): the recurrent state S [B, H_kv, d_k, d_v] is updated once per time
// step, and T is static, so the recurrence unrolls into T copies of a few IR ops (in float32, as
// the spec's reference accumulates; float16 tensors are cast in and out). Per step t:
//   gated rules:  S *= exp(decay_t)                    (per key dim or per head)
//   delta rules:  v_t = beta_t * (v_t - (erase_t * k_t) S)
//   all rules:    S += k_t^T v_t;  o_t = scale * q_t S  (query heads share kv heads in groups)
// Grouped query heads read their kv head's state by reshaping q_t to [B, H_kv, group, d_k],
// which matches the reference's interleaved repeat (query head h reads kv head h / group).
import { makeTensor } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { int64Vector } from './const-input.js';

const RULES = ['linear', 'gated', 'delta', 'gated_delta'];

function dims3(ctx: HandlerContext, name: string): [number, number, number] {
  const { shape } = ctx.typeOf(name);
  if (shape.length !== 3 || shape.some((d) => typeof d !== 'number')) ctx.fail(`input '${name}' must have a static [B, T, H*D] shape, got [${shape}]`);
  return shape as [number, number, number];
}

registerHandler('LinearAttention', 27, (ctx) => {
  const { node } = ctx;
  const [query, key, value, past, decay, beta, erase] = node.inputs.map((v) => v || undefined);
  const [output, present] = node.outputs.map((v) => v || undefined);
  const rule = (node.attrs.update_rule as string | undefined) ?? 'gated_delta';
  if (!RULES.includes(rule)) ctx.fail(`update_rule '${rule}' is not one of ${RULES.join(', ')}`);
  const gated = rule.startsWith('gated'), delta = rule.endsWith('delta');
  if (gated !== !!decay) ctx.fail(`update_rule '${rule}' ${gated ? 'needs' : 'forbids'} the decay input`);
  if (delta !== !!beta) ctx.fail(`update_rule '${rule}' ${delta ? 'needs' : 'forbids'} the beta input`);
  if (erase && !delta) ctx.fail(`update_rule '${rule}' forbids the erase_gate input`);
  const hq = node.attrs.q_num_heads as number | undefined, hkv = node.attrs.kv_num_heads as number | undefined;
  if (!hq || !hkv || hq <= 0 || hkv <= 0 || hq % hkv !== 0) return ctx.fail(`q_num_heads (${hq}) must be a positive multiple of kv_num_heads (${hkv})`);
  const [b, t, qWidth] = dims3(ctx, query!);
  const dk = qWidth / hq, dv = dims3(ctx, value!)[2] / hkv, group = hq / hkv;
  if (!Number.isInteger(dk) || !Number.isInteger(dv) || dims3(ctx, key!)[2] !== hkv * dk) ctx.fail(`query/key/value widths do not split into ${hq} and ${hkv} heads of equal size`);
  const dtype = ctx.typeOf(query!).dtype;
  if (dtype !== 'float32' && dtype !== 'float16') ctx.fail(`dtype ${dtype} is not supported (float32, float16)`);
  const scaleAttr = node.attrs.scale as number | undefined;
  const scale = scaleAttr ? scaleAttr : 1 / Math.sqrt(dk);

  const f32 = (v: string) => (ctx.typeOf(v).dtype === 'float32' ? v : ctx.emit('Cast', [v], { to: 'float32' })[0]!);
  const shapeConst = (d: number[]) => ctx.addConstant(int64Vector(d), 'shape');
  const reshape = (v: string, d: number[]) => ctx.emit('Reshape', [v, shapeConst(d)])[0]!;
  const transpose = (v: string, perm: number[]) => ctx.emit('Transpose', [v], { perm })[0]!;
  /** [B, T, H*X] as [B, H, T, X]. */
  const heads = (v: string, h: number) => transpose(reshape(f32(v), [b, t, h, dims3(ctx, v)[2] / h]), [0, 2, 1, 3]);
  const step = (v: string, axis: number, i: number) => ctx.emit('Slice', [v, shapeConst([i]), shapeConst([i + 1]), shapeConst([axis])])[0]!;
  const matmul = (x: string, y: string) => ctx.emit('MatMul', [x, y])[0]!;

  const q4 = heads(query!, hq), k4 = heads(key!, hkv), v4 = heads(value!, hkv);
  const kCols = transpose(k4, [0, 1, 3, 2]); // [B, H_kv, d_k, T]: column t is k_t^T
  let growth: string | undefined, beta4: string | undefined, erase4: string | undefined;
  if (decay) {
    const width = dims3(ctx, decay)[2];
    if (width !== hkv && width !== hkv * dk) ctx.fail(`decay width ${width} must be kv_num_heads (${hkv}) or kv_num_heads*d_k (${hkv * dk})`);
    growth = transpose(ctx.emit('Exp', [heads(decay, hkv)])[0]!, [0, 1, 3, 2]); // [B, H_kv, d_k|1, T]
  }
  if (beta) {
    const width = dims3(ctx, beta)[2];
    if (width !== hkv && width !== 1) ctx.fail(`beta width ${width} must be kv_num_heads (${hkv}) or 1`);
    beta4 = heads(beta, width); // [B, H_kv|1, T, 1]
  }
  if (erase) erase4 = heads(erase, hkv);

  let state = past ? f32(past) : ctx.addConstant(makeTensor('float32', [b, hkv, dk, dv]), 'zero_state');
  const reads: string[] = [];
  for (let i = 0; i < t; i++) {
    if (growth) state = ctx.emit('Mul', [state, step(growth, 3, i)])[0]!;
    let v = step(v4, 2, i); // [B, H_kv, 1, d_v]
    if (beta4) {
      const kRow = step(k4, 2, i);
      const probe = erase4 ? ctx.emit('Mul', [kRow, step(erase4, 2, i)])[0]! : kRow;
      const [residual] = ctx.emit('Sub', [v, matmul(probe, state)]);
      v = ctx.emit('Mul', [residual!, step(beta4, 2, i)])[0]!;
    }
    state = ctx.emit('Add', [state, matmul(step(kCols, 3, i), v)])[0]!;
    reads.push(reshape(matmul(reshape(step(q4, 2, i), [b, hkv, group, dk]), state), [b, hq, 1, dv]));
  }

  const [all] = t === 1 ? reads : ctx.emit('Concat', reads, { axis: 2 });
  const [scaled] = ctx.emit('Mul', [all!, ctx.addConstant(makeTensor('float32', [], [scale]), 'scale')]);
  const packed = reshape(transpose(scaled!, [0, 2, 1, 3]), [b, t, hq * dv]);
  const finish = (v: string, name: string | undefined, to: string) => {
    if (name) ctx.emit(to === 'float32' ? 'Identity' : 'Cast', [v], to === 'float32' ? {} : { to }, [name]);
  };
  finish(packed, output, dtype);
  finish(state, present, past ? ctx.typeOf(past).dtype : dtype);
});
