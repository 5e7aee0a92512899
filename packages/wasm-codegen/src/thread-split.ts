// How a threaded build (docs/threads.md) cuts one heavy node into parts that threads run at the
// same time. A part is the same op on a slice of the problem: its operands are byte ranges of the
// node's own buffers with smaller dims, so every existing kernel computes a part unchanged and the
// parts write disjoint bytes of the output. The cut is always along rows of the output that are
// contiguous in memory:
//   MatMul [.., M, K] × [K, N] and Gemm (transA = 0) → rows of A and of Y (blocks of 4 rows);
//   NhwcConv with batch 1                          → output rows; each part reads the input rows
//                                                    its windows touch, with the pads re-derived;
//   Attention with batch 1, no mask, Hq == Hkv      → heads.
// Only activations are sliced, never weights: each part packs or reads the whole weights, and keeps
// the whole node's kernel choice (a Winograd conv's parts stay Winograd), so the weights file of a
// threaded build is byte for byte the one of the 1-thread build.
// Nodes below MIN_PART_MACS of work per part stay whole and run on the calling thread.
import { Attrs, DTYPE_BYTES, Node, convAttrs, sizeOf } from '@onnx2wasm/ir';
import { nhwcConvTakesWinograd } from './kernels/conv/conv-nhwc.js';
import { transposesA } from './kernels/emit/gemm-attrs.js';
import { StaticOperand } from './lowering.js';

/** A static operand without its address (what planning sees). */
export type OperandType = Omit<StaticOperand, 'addr'>;

/** One input or output of a part: `dims` at `offset` bytes into the node's operand; undefined: the whole operand. */
export interface PartSlice { dims: number[]; offset: number }

export interface NodePart {
  /** The node with the part's attributes (e.g. pads), named `<node>#<part>`. */
  node: Node;
  inputs: (PartSlice | undefined)[];
  outputs: (PartSlice | undefined)[];
}

/**
 * Multiply-adds below which a part is not worth a barrier (~1 µs while the workers spin, more when
 * they sleep). 2^17 (10–20 µs of GEMM work) also splits mobilenet_v2's 7x7 and 14x14 layers (51
 * split nodes instead of 40 at 4 parts): on 2 threads 0.54x of the 1-thread time against 0.55-0.61x
 * with 2^19, resnet18 and transformer_enc unchanged (same process, alternating blocks).
 */
export const MIN_PART_MACS = 1 << 17;

/** The parts of node `n` for up to `maxParts` threads, or undefined when it stays whole. */
export function splitNode(n: Node, ins: (OperandType | undefined)[], outs: OperandType[], maxParts: number): NodePart[] | undefined {
  if (maxParts < 2 || outs.length !== 1) return undefined;
  if ([...ins, ...outs].some((o) => o && o.dtype !== 'float32')) return undefined;
  if (n.op === 'MatMul') return splitMatMul(n, ins, outs[0]!, maxParts);
  if (n.op === 'Gemm') return splitGemm(n, ins, outs[0]!, maxParts);
  if (n.op === 'NhwcConv') return splitNhwcConv(n, ins, outs[0]!, maxParts);
  if (n.op === 'Attention') return splitAttention(n, ins, outs[0]!, maxParts);
  return undefined;
}

/** [start, end) of `count` units cut into `parts` near-equal runs, each a multiple of `unit` but the last. */
function ranges(count: number, parts: number, unit: number): [number, number][] {
  const units = Math.ceil(count / unit);
  const out: [number, number][] = [];
  for (let p = 0; p < parts; p++) {
    const a = Math.floor((units * p) / parts) * unit, b = Math.min(count, Math.floor((units * (p + 1)) / parts) * unit);
    if (b > a) out.push([a, b]);
  }
  return out;
}

/** How many parts a node of `macs` multiply-adds over `units` cuttable units gets. */
function partCount(macs: number, units: number, maxParts: number): number {
  return Math.min(maxParts, units, Math.floor(macs / MIN_PART_MACS));
}

/** Rows [r0, r1) of a [rows, cols] matrix viewed as 2-D. */
const rows2d = (cols: number, r0: number, r1: number): PartSlice => ({ dims: [r1 - r0, cols], offset: r0 * cols * 4 });

const named = (n: Node, p: number, attrs: Attrs = n.attrs): Node => ({ ...n, name: `${n.name}#${p}`, attrs });
const isWhole = (o: OperandType | undefined, dims: number[]) => !!o && o.dims.length === dims.length && o.dims.every((d, i) => d === dims[i]);

/** An epilogue operand (bias, residual) of a row split: unsliced when it broadcasts over rows, sliced when it is the full output, else the node stays whole. */
function epilogueSlice(o: OperandType | undefined, rows: number, N: number, r: [number, number]): PartSlice | undefined | null {
  if (!o) return undefined;
  const count = sizeOf(o.dims);
  if (count === N && (o.dims.length < 2 || o.dims.slice(0, -1).every((d) => d === 1))) return undefined;
  if (count === 1) return undefined;
  if (count === rows * N && o.dims[o.dims.length - 1] === N && !o.constant) return rows2d(N, r[0], r[1]);
  return null;
}

function splitMatMul(n: Node, ins: (OperandType | undefined)[], y: OperandType, maxParts: number): NodePart[] | undefined {
  const a = ins[0], b = ins[1];
  if (!a || !b || a.constant || b.dims.length !== 2 || a.dims.length < 2) return undefined;
  const K = a.dims[a.dims.length - 1]!, N = b.dims[1]!;
  const rows = sizeOf(a.dims) / K;
  if (!(rows > 0 && N > 0) || sizeOf(y.dims) !== rows * N) return undefined;
  const parts = partCount(rows * K * N, Math.ceil(rows / 4), maxParts);
  if (parts < 2) return undefined;
  const out: NodePart[] = [];
  for (const [p, r] of ranges(rows, parts, 4).entries()) {
    const epi = ins.slice(2).map((o) => epilogueSlice(o, rows, N, r));
    if (epi.includes(null)) return undefined;
    out.push({ node: named(n, p), inputs: [rows2d(K, r[0], r[1]), undefined, ...(epi as (PartSlice | undefined)[])], outputs: [rows2d(N, r[0], r[1])] });
  }
  return out;
}

function splitGemm(n: Node, ins: (OperandType | undefined)[], y: OperandType, maxParts: number): NodePart[] | undefined {
  const a = ins[0], b = ins[1];
  if (!a || !b || a.constant || a.dims.length !== 2 || y.dims.length !== 2 || transposesA(n)) return undefined;
  const [M, K] = a.dims as [number, number];
  const N = y.dims[1]!;
  const parts = partCount(M * K * N, Math.ceil(M / 4), maxParts);
  if (parts < 2) return undefined;
  const out: NodePart[] = [];
  for (const [p, r] of ranges(M, parts, 4).entries()) {
    const c = epilogueSlice(ins[2], M, N, r);
    if (c === null || ins.length > 3) return undefined;
    out.push({ node: named(n, p), inputs: [rows2d(K, r[0], r[1]), undefined, ...(ins.length > 2 ? [c] : [])], outputs: [rows2d(N, r[0], r[1])] });
  }
  return out;
}

/**
 * NhwcConv, batch 1: output rows [r0, r1) need input rows from r0·sh − pt to (r1 − 1)·sh − pt + the
 * dilated kernel height; the part reads the ones that exist and pads the rest, so each output row
 * sees exactly the window it sees in the whole conv.
 */
function splitNhwcConv(n: Node, ins: (OperandType | undefined)[], y: OperandType, maxParts: number): NodePart[] | undefined {
  const x = ins[0], w = ins[1];
  if (!x || !w || x.constant || x.dims.length !== 4 || w.dims.length !== 4 || x.dims[0] !== 1) return undefined;
  const [, H, W, C] = x.dims as [number, number, number, number];
  const [, OH, OW, M] = y.dims as [number, number, number, number];
  const [kh, kw] = [w.dims[2]!, w.dims[3]!];
  // The IR has explicit pads (the reader refuses an unresolved auto_pad).
  const { strides, dilations, pads } = convAttrs(n);
  const sh = strides[0]!, dh = dilations[0]!;
  if (pads.length !== 4) return undefined;
  const [pt, pl, , pr] = pads as [number, number, number, number];
  const span = (kh - 1) * dh + 1;
  const macs = OH * OW * M * w.dims[1]! * kh * kw;
  // Winograd works on 4-row (or 2-row) tiles: parts of whole tiles keep its work the same.
  const parts = partCount(macs, Math.ceil(OH / 4), maxParts);
  if (parts < 2) return undefined;
  const residual = ins[3];
  if (residual && !isWhole(residual, y.dims)) return undefined;
  if (ins.length > 4) return undefined;
  const winograd = nhwcConvTakesWinograd(n, x, w, y) ? 1 : 0;
  return ranges(OH, parts, 4).map(([r0, r1], p): NodePart => {
    const first = r0 * sh - pt, last = (r1 - 1) * sh - pt + span; // input rows [first, last) with pads outside [0, H)
    const i0 = Math.max(0, first), i1 = Math.min(H, last);
    const rows = Math.max(0, i1 - i0);
    const padTop = i0 - first, padBottom = last - first - padTop - rows;
    // The whole conv's kernel choice, not the part's: a Winograd conv's parts would otherwise fall back to
    // im2col on their few rows and pack weights the 1-thread build does not have.
    const attrs = { ...n.attrs, pads: [padTop, pl, padBottom, pr], winograd };
    const input: PartSlice = { dims: [1, rows, W, C], offset: i0 * W * C * 4 };
    const output: PartSlice = { dims: [1, r1 - r0, OW, M], offset: r0 * OW * M * 4 };
    const res = residual ? { dims: [...output.dims], offset: output.offset } : undefined;
    return { node: named(n, p, attrs), inputs: [input, undefined, undefined, ...(ins.length > 3 ? [res] : [])].slice(0, ins.length), outputs: [output] };
  }).filter((part) => part.inputs[0]!.dims[1]! > 0);
}

/** Attention [1, H, S, D] without mask or score output: whole heads per part. */
function splitAttention(n: Node, ins: (OperandType | undefined)[], y: OperandType, maxParts: number): NodePart[] | undefined {
  const [q, k, v] = ins;
  if (!q || !k || !v || ins.slice(3).some((o) => o) || q.dims.length !== 4 || q.dims[0] !== 1) return undefined;
  if (k.dims[1] !== q.dims[1] || v.dims[1] !== q.dims[1] || y.dims[1] !== q.dims[1]) return undefined;
  const [, H, S, D] = q.dims as [number, number, number, number];
  const T = k.dims[2]!, Dv = v.dims[3]!;
  const parts = partCount(H * S * T * (D + Dv), H, maxParts);
  if (parts < 2) return undefined;
  const head = (o: OperandType, h0: number, h1: number): PartSlice => ({ dims: [1, h1 - h0, o.dims[2]!, o.dims[3]!], offset: h0 * o.dims[2]! * o.dims[3]! * DTYPE_BYTES[o.dtype] });
  return ranges(H, parts, 1).map(([h0, h1], p) => ({
    node: named(n, p),
    inputs: [head(q, h0, h1), head(k, h0, h1), head(v, h0, h1), ...ins.slice(3).map(() => undefined)],
    outputs: [head(y, h0, h1)],
  }));
}
