// Attention(Q, K, V, mask?, nonpad_kv_seqlen?) in its 4-D form: Q [B, Hq, S, D], K [B, Hkv, T, D],
// V [B, Hkv, T, Dv], with Hq a multiple of Hkv (grouped-query heads h share kv head h / (Hq/Hkv)).
// The importer turns ONNX's 3-D inputs, float16 and the past key/value cache into this form.
//   scores = scale · Q·Kᵀ, then softcap · tanh(scores / softcap) when softcap > 0;
//   + mask: float (additive) or bool (false = -inf), broadcast to [B, Hq, S, *]. A mask shorter
//     than T along the last axis leaves the remaining keys masked (ONNX pads it with -inf);
//   keys outside the causal frontier are masked: query i sees key j iff j <= i + offset, where
//     offset is `causal_offset` (the past length) or, with `causal_from_nonpad`, nonpad[b] - S;
//   keys j >= nonpad_kv_seqlen[b] are masked;
//   softmax over keys (a row with every key masked gives zeros, not NaN), then · V.
// Output 1 (optional) is the score matrix at the stage `qk_matmul_output_mode` names:
// 0 = scale·Q·Kᵀ, 1 = after softcap, 2 = after the mask, 3 = after softmax.
import { Dim, Node } from '../graph.js';
import { OpDef, attrFloat, attrInt, expectDType, expectRank, fail, input, registerOp } from '../op-registry.js';
import { makeTensor, sizeOf, stridesOf } from '../tensor.js';

export interface AttentionDims { B: number; Hq: number; Hkv: number; S: number; T: number; D: number; Dv: number }

export function attentionDims(q: number[], k: number[], v: number[]): AttentionDims {
  return { B: q[0]!, Hq: q[1]!, S: q[2]!, D: q[3]!, Hkv: k[1]!, T: k[2]!, Dv: v[3]! };
}

/** Element strides of a mask of shape `dims` broadcast against [B, Hq, S, *] (0 on broadcast axes). */
export function maskStrides(dims: number[]): [number, number, number] {
  const padded = [...new Array<number>(4 - dims.length).fill(1), ...dims];
  const s = stridesOf(padded);
  return [0, 1, 2].map((a) => (padded[a] === 1 ? 0 : s[a]!)) as [number, number, number];
}

function checkDim(node: Parameters<typeof fail>[0], what: string, got: Dim, want: Dim): void {
  if (typeof got === 'number' && typeof want === 'number' && got !== want) fail(node, `${what} is ${got}, expected ${want}`);
}

/** Attention's attributes (qk_matmul_output_mode: which stage output 1 holds, 0 to 3). */
export interface AttentionAttrs {
  scale: number;
  softcap: number;
  isCausal: boolean;
  /** The causal diagonal starts at each batch row's nonpad_kv_seqlen - S instead of causalOffset. */
  causalFromNonpad: boolean;
  causalOffset: number;
  qkMatmulOutputMode: 0 | 1 | 2 | 3;
}

export function attentionAttrs(node: Node): AttentionAttrs {
  const mode = attrInt(node, 'qk_matmul_output_mode');
  if (![0, 1, 2, 3].includes(mode)) fail(node, `qk_matmul_output_mode ${mode} is not one of 0, 1, 2, 3`, 'INVALID_ATTRIBUTE');
  return {
    scale: attrFloat(node, 'scale'), softcap: attrFloat(node, 'softcap'), isCausal: attrInt(node, 'is_causal') !== 0,
    causalFromNonpad: attrInt(node, 'causal_from_nonpad') !== 0, causalOffset: attrInt(node, 'causal_offset'), qkMatmulOutputMode: mode as AttentionAttrs['qkMatmulOutputMode'],
  };
}

export const attention: OpDef = {
  name: 'Attention',
  group: 'linalg',
  description: 'softmax(scale · Q·Kᵀ + mask) · V per head, with causal / padding masks, softcap and grouped kv heads',
  infer(ctx) {
    const { node } = ctx;
    for (const i of [0, 1, 2]) { expectDType(ctx, i, ['float32']); expectRank(ctx, i, 4); }
    const [B, Hq, S, D] = input(ctx, 0).shape as [Dim, Dim, Dim, Dim];
    const k = input(ctx, 1).shape, v = input(ctx, 2).shape;
    checkDim(node, 'K batch', k[0]!, B); checkDim(node, 'V batch', v[0]!, B);
    checkDim(node, 'K head size', k[3]!, D);
    checkDim(node, 'V heads', v[1]!, k[1]!); checkDim(node, 'V sequence length', v[2]!, k[2]!);
    if (typeof Hq === 'number' && typeof k[1] === 'number' && Hq % k[1] !== 0) fail(node, `Q has ${Hq} heads, not a multiple of the ${k[1]} kv heads`);
    const T = k[2]!;
    const mask = ctx.inputs[3];
    if (mask) {
      if (mask.dtype !== 'float32' && mask.dtype !== 'bool') fail(node, `mask (input 3) has dtype ${mask.dtype}; expected float32 or bool`, 'DTYPE_MISMATCH');
      if (mask.shape.length < 2 || mask.shape.length > 4) fail(node, `mask (input 3) has rank ${mask.shape.length}; expected 2 to 4`);
      const target = [B, Hq, S];
      mask.shape.slice(0, -1).forEach((d, a) => {
        const want = target[target.length - (mask.shape.length - 1) + a]!;
        if (d !== 1) checkDim(node, `mask dim ${a}`, d, want);
      });
      const last = mask.shape[mask.shape.length - 1]!;
      if (typeof last === 'number' && typeof T === 'number' && last > T) fail(node, `mask covers ${last} keys, more than the ${T} keys of K`);
    }
    const nonpad = ctx.inputs[4];
    if (nonpad && (nonpad.dtype !== 'int64' || nonpad.shape.length !== 1)) fail(node, `nonpad_kv_seqlen (input 4) must be int64 of shape [batch], got ${nonpad.dtype}[${nonpad.shape}]`, 'DTYPE_MISMATCH');
    if (attentionAttrs(node).causalFromNonpad && !nonpad) fail(node, 'causal_from_nonpad needs nonpad_kv_seqlen (input 4)', 'INVALID_ATTRIBUTE');
    return [{ dtype: 'float32', shape: [B, Hq, S, v[3]!] }, { dtype: 'float32', shape: [B, Hq, S, T] }];
  },
  evaluate(node, [q, k, v, mask, nonpad]) {
    const d = attentionDims(q!.dims, k!.dims, v!.dims);
    const { B, Hq, Hkv, S, T, D, Dv } = d;
    const { scale, softcap, isCausal: causal, causalFromNonpad: fromNonpad, causalOffset: pastLen, qkMatmulOutputMode: mode } = attentionAttrs(node);
    const Q = q!.data as Float32Array, K = k!.data as Float32Array, V = v!.data as Float32Array;
    const y = makeTensor('float32', [B, Hq, S, Dv]), qk = makeTensor('float32', [B, Hq, S, T]);
    const Y = y.data as Float32Array, QK = qk.data as Float32Array;
    const mStr = mask ? maskStrides(mask.dims) : [0, 0, 0];
    const Tm = mask ? mask.dims[mask.dims.length - 1]! : T;
    const maskAt = (b: number, h: number, i: number, j: number): number => {
      if (!mask) return 0;
      if (j >= Tm) return -Infinity;
      const x = Number(mask.data[b * mStr[0]! + h * mStr[1]! + i * mStr[2]! + j]);
      return mask.dtype === 'bool' ? (x ? 0 : -Infinity) : x;
    };
    const row = new Float64Array(T);
    for (let b = 0; b < B; b++) for (let h = 0; h < Hq; h++) {
      const kh = Math.floor(h / (Hq / Hkv));
      const limit = nonpad ? Number(nonpad.data[b]) : T;
      const offset = fromNonpad ? limit - S : pastLen;
      for (let i = 0; i < S; i++) {
        const out = (((b * Hq + h) * S) + i) * T;
        let max = -Infinity;
        for (let j = 0; j < T; j++) {
          let s = 0;
          for (let c = 0; c < D; c++) s += Q[((b * Hq + h) * S + i) * D + c]! * K[((b * Hkv + kh) * T + j) * D + c]!;
          s *= scale;
          if (mode === 0) QK[out + j] = s;
          if (softcap > 0) s = softcap * Math.tanh(s / softcap);
          if (mode === 1) QK[out + j] = s;
          s += maskAt(b, h, i, j);
          if ((causal && j > i + offset) || j >= limit) s = -Infinity;
          if (mode === 2) QK[out + j] = s;
          row[j] = s;
          max = Math.max(max, s);
        }
        let sum = 0;
        for (let j = 0; j < T; j++) sum += (row[j] = max === -Infinity ? 0 : Math.exp(row[j]! - max));
        for (let j = 0; j < T; j++) {
          const p = max === -Infinity ? 0 : row[j]! / sum;
          row[j] = p;
          if (mode === 3) QK[out + j] = p;
        }
        for (let c = 0; c < Dv; c++) {
          let acc = 0;
          for (let j = 0; j < T; j++) acc += row[j]! * V[((b * Hkv + kh) * T + j) * Dv + c]!;
          Y[(((b * Hq + h) * S) + i) * Dv + c] = acc;
        }
      }
    }
    return [y, qk];
  },
  flops(ctx) {
    const [B, Hq, S, D] = input(ctx, 0).shape, T = input(ctx, 1).shape[2], Dv = input(ctx, 2).shape[3];
    const n = [B, Hq, S, D, T, Dv].map((x) => (typeof x === 'number' ? x : 1));
    return 2 * sizeOf(n.slice(0, 3)) * n[4]! * (n[3]! + n[5]!);
  },
};

registerOp(attention);
