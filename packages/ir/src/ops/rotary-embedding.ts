// RotaryEmbedding(X, cos, sin) {interleaved, num_heads, rotary_embedding_dim} (opset 23) with the
// cos/sin values already gathered per position (the importer gathers ONNX's cache by
// position_ids): cos and sin are [B, S, R] with R = rotary_embedding_dim / 2 (the head size when 0).
// X is [B, H, S, D], or [B, S, H·D] with num_heads. In each head vector the first 2R elements are
// rotated in pairs (x1, x2) → (cos·x1 - sin·x2, sin·x1 + cos·x2): pairs are (k, k + R), or
// (2k, 2k + 1) when interleaved; the remaining elements are copied.
import { Node, isStatic } from '../graph.js';
import { OpDef, attrInt, expectDType, fail, input, registerOp } from '../op-registry.js';
import { Tensor, makeTensor } from '../tensor.js';

export interface RotaryLayout {
  B: number; S: number; H: number; D: number; R: number;
  /** Element strides of a head vector's start per batch, sequence position and head. */
  strides: { b: number; s: number; h: number };
}

export interface RotaryEmbeddingAttrs {
  /** The head count of a 3-D [B, S, H·D] input; undefined when not given (4-D inputs need none). */
  numHeads: number | undefined;
  /** The rotated part of each head vector; 0 means the whole head. */
  rotaryEmbeddingDim: number;
  interleaved: boolean;
}

export function rotaryEmbeddingAttrs(node: Node): RotaryEmbeddingAttrs {
  return {
    numHeads: node.attrs.num_heads === undefined ? undefined : attrInt(node, 'num_heads'),
    rotaryEmbeddingDim: attrInt(node, 'rotary_embedding_dim'),
    interleaved: attrInt(node, 'interleaved') !== 0,
  };
}

/** The 3-D form's head count: fails naming the node when num_heads is missing or not positive. */
export function rotaryHeads(node: Node): number {
  const H = rotaryEmbeddingAttrs(node).numHeads;
  if (H === undefined || H <= 0) fail(node, '3-D input needs the num_heads attribute', 'INVALID_ATTRIBUTE');
  return H;
}

export function rotaryLayout(node: Node, dims: number[]): RotaryLayout {
  let B: number, S: number, H: number, D: number, strides: RotaryLayout['strides'];
  if (dims.length === 4) {
    [B, H, S, D] = dims as [number, number, number, number];
    strides = { b: H * S * D, h: S * D, s: D };
  } else {
    H = rotaryHeads(node);
    [B, S] = dims as [number, number];
    D = dims[2]! / H;
    strides = { b: S * H * D, s: H * D, h: D };
  }
  // rotary_embedding_dim 0 means the whole head.
  const given = rotaryEmbeddingAttrs(node).rotaryEmbeddingDim;
  const rd = given === 0 ? D : given;
  return { B, S, H, D, R: rd / 2, strides };
}

export const rotaryEmbedding: OpDef = {
  name: 'RotaryEmbedding',
  group: 'elementwise',
  description: 'rotates pairs of each head vector by per-position angles (cos, sin)',
  infer(ctx) {
    const { node } = ctx;
    for (const i of [0, 1, 2]) expectDType(ctx, i, ['float32']);
    const x = input(ctx, 0).shape;
    if (x.length !== 3 && x.length !== 4) fail(node, `input X has rank ${x.length}; expected 3 or 4`);
    if (x.length === 3 && typeof x[2] === 'number' && x[2] % rotaryHeads(node) !== 0) fail(node, `hidden size ${x[2]} is not a multiple of num_heads`, 'INVALID_ATTRIBUTE');
    const rd = rotaryEmbeddingAttrs(node).rotaryEmbeddingDim;
    if (rd % 2 !== 0) fail(node, `rotary_embedding_dim ${rd} must be even`, 'INVALID_ATTRIBUTE');
    const layout = isStatic(x) ? rotaryLayout(node, x) : undefined;
    if (layout && 2 * layout.R > layout.D) fail(node, `rotary_embedding_dim ${2 * layout.R} exceeds the head size ${layout.D}`, 'INVALID_ATTRIBUTE');
    for (const i of [1, 2]) {
      const c = input(ctx, i).shape;
      const want = layout ? [layout.B, layout.S, layout.R] : undefined;
      // A cos/sin batch of 1 is shared by every batch row (the dynamo exporter's [1, seq, R] tables).
      if (c.length !== 3 || (want && isStatic(c) && c.some((d, a) => d !== want[a] && !(a === 0 && d === 1)))) {
        fail(node, `input ${i} has shape [${c}]; expected [batch, sequence, rotary_dim / 2]${want ? ` = [${want}]` : ''}`);
      }
    }
    return [{ dtype: 'float32', shape: [...x] }];
  },
  evaluate(node, [x, cos, sin]) {
    const { B, S, H, D, R, strides } = rotaryLayout(node, x!.dims);
    const interleaved = rotaryEmbeddingAttrs(node).interleaved;
    const y: Tensor = makeTensor('float32', [...x!.dims], x!.data as Float32Array);
    const X = x!.data as Float32Array, Y = y.data as Float32Array;
    const C = cos!.data as Float32Array, Sn = sin!.data as Float32Array;
    for (let b = 0; b < B; b++) for (let s = 0; s < S; s++) for (let h = 0; h < H; h++) {
      const base = b * strides.b + s * strides.s + h * strides.h;
      for (let k = 0; k < R; k++) {
        const row = (cos!.dims[0] === 1 ? 0 : b) * S + s;
        const c = C[row * R + k]!, sn = Sn[row * R + k]!;
        const i1 = base + (interleaved ? 2 * k : k), i2 = base + (interleaved ? 2 * k + 1 : k + R);
        Y[i1] = c * X[i1]! - sn * X[i2]!;
        Y[i2] = sn * X[i1]! + c * X[i2]!;
      }
    }
    return [y];
  },
};

registerOp(rotaryEmbedding);
