// Quantized Conv / Gemm / MatMul in QDQ form run as integer arithmetic, the way onnxruntime fuses
// them (QLinearConv, QGemm): DequantizeLinear(x) and DequantizeLinear(w) → op → QuantizeLinear(y)
// becomes
//   acc = op(x - zx, w - zw) + bias      the exact int32 sum (integer-sums.ts: float32 is exact here)
//   y   = saturate(round_half_even(acc * M) + zy),  M = float32(float32(sx * sw) / sy) per channel
// instead of the literal float path, whose rounding of each real-valued sum before QuantizeLinear
// sometimes lands on the other side of a .5 from the integer result. The centred weights w - zw
// stay int8 in the weights file: their DequantizeLinear (scale 1) runs at load time. onnx-import
// writes the QOperator ops (QLinearConv, QLinearMatMul, QGemm) in this QDQ form, so they take the
// same path. 2-D convs (group 1, depthwise) become QLinearConv and MatMul / Gemm with 2-D weights
// and a static input QLinearMatMul: one node each on the integer kernels (kernels/int8), 8-bit in
// and out. A pattern whose parameters are not constants, or whose sums cannot be made exact,
// keeps the literal form.
import { DType, Node, Tensor, centredMax, convAttrs, functionNode, exactChunks, gemmAttrs, makeTensor, quantizeAttrs, readActivation } from '@onnx2wasm/ir';
import { GraphView, Patch, Rule, rewritePass } from '../rewrite.js';
import { integerMatMulRules } from './integer-matmul-to-float.js';
import { qdqPassthrough } from './qdq-passthrough.js';
import { saturating, unblocked } from './qdq-attrs.js';

const EIGHT_BIT: readonly DType[] = ['int8', 'uint8'];

interface Dequantized { q: string; dtype: 'int8' | 'uint8'; s: string; scale: Float32Array; zp?: string; zpValues: number[]; axis: number }

/** The DequantizeLinear producing `v` when its scale and zero point are constants over 8-bit data. */
function dequantized(view: GraphView, v: string | undefined, constantData: boolean): Dequantized | undefined {
  const dq = v ? view.producer(v) : undefined;
  if (!dq || dq.op !== 'DequantizeLinear' || !unblocked(dq)) return undefined;
  const [q, s, zp] = dq.inputs;
  const dtype = view.type(q!).dtype;
  if (!EIGHT_BIT.includes(dtype) || (constantData && !view.constant(q!))) return undefined;
  const scale = s ? view.constant(s) : undefined;
  if (!scale || scale.dtype !== 'float32') return undefined;
  const zt = zp ? view.constant(zp) : undefined;
  if (zp && !zt) return undefined;
  const zpValues = zt ? Array.from(zt.data as ArrayLike<number>, Number) : [0];
  return { q: q!, dtype: dtype as 'int8' | 'uint8', s: s!, scale: scale.data as Float32Array, zp: zp || undefined, zpValues, axis: quantizeAttrs(dq).axis };
}

/** The int32 bias of a DequantizeLinear(int32 constant, zero point 0), per output channel. */
function integerBias(view: GraphView, v: string | undefined, channels: number): Int32Array | undefined | null {
  if (!v) return undefined;
  const dq = view.producer(v);
  const b = dq?.op === 'DequantizeLinear' ? view.constant(dq.inputs[0]!) : undefined;
  if (!b || b.dtype !== 'int32' || b.data.length !== channels) return null;
  const zp = dq!.inputs[2] ? view.constant(dq!.inputs[2]) : undefined;
  if (dq!.inputs[2] && (!zp || Array.from(zp.data as ArrayLike<number>).some((z) => Number(z) !== 0))) return null;
  return b.data as Int32Array;
}

interface Site { node: Node; kind: 'Conv' | 'Gemm' | 'MatMul'; channels: number; inner: number; taps: number; channelAxis: number }

/** The op between the dequantizes and `q`, with where its weights' output channels are. */
function site(view: GraphView, q: Node): Site | undefined {
  const y = q.inputs[0]!;
  const n = view.producer(y);
  if (!n || !view.singleUse(y) || readActivation(n)) return undefined;
  const w = view.type(n.inputs[1] ?? '')?.shape;
  if (!w || !w.every((d) => typeof d === 'number')) return undefined;
  const dims = w as number[];
  if (n.op === 'Conv' && !n.inputs[3] && dims.length >= 3) return { node: n, kind: 'Conv', channels: dims[0]!, inner: dims[1]!, taps: dims.slice(2).reduce((a, b) => a * b, 1), channelAxis: 0 };
  const gemm = n.op === 'Gemm' ? gemmAttrs(n) : undefined;
  if (gemm && !gemm.transA && gemm.alpha === 1 && gemm.beta === 1 && dims.length === 2) {
    const { transB } = gemm;
    return { node: n, kind: 'Gemm', channels: dims[transB ? 0 : 1]!, inner: dims[transB ? 1 : 0]!, taps: 1, channelAxis: transB ? 0 : 1 };
  }
  if (n.op === 'MatMul' && dims.length === 2 && !n.inputs[2]) return { node: n, kind: 'MatMul', channels: dims[1]!, inner: dims[0]!, taps: 1, channelAxis: 1 };
  return undefined;
}

const integerOp: Rule = {
  name: 'qdq-to-integer',
  apply(q, view) {
    if (q.op !== 'QuantizeLinear' || !unblocked(q) || !saturating(q)) return undefined;
    const to = quantizeAttrs(q).to!;
    const sy = view.constant(q.inputs[1]!);
    const zy = q.inputs[2] ? view.constant(q.inputs[2]) : undefined;
    if (!EIGHT_BIT.includes(to) || !sy || sy.dtype !== 'float32' || sy.data.length !== 1 || (q.inputs[2] && (!zy || zy.data.length !== 1))) return undefined;
    const s = site(view, q);
    if (!s) return undefined;
    const { node, channels, inner, taps } = s;
    const x = dequantized(view, node.inputs[0], false), w = dequantized(view, node.inputs[1], true);
    if (!x || !w || x.scale.length !== 1 || x.zpValues.length !== 1) return undefined;
    const perChannel = w.scale.length !== 1;
    const wRank = view.type(w.q).shape.length;
    if (perChannel && (w.scale.length !== channels || (w.axis + wRank) % wRank !== s.channelAxis || w.zpValues.length !== channels)) return undefined;
    const bias = integerBias(view, node.inputs[2], channels);
    if (bias === null) return undefined;

    const conv = s.kind === 'Conv' ? convAttrs(node) : undefined;
    const group = conv ? conv.group : 1;
    const xShape = view.type(x.q).shape;
    // The integer kernels: group 1 (any geometry) and depthwise with strides up to 2.
    const strides = conv ? conv.strides : [];
    const kernelFits = group === 1 || (group === xShape[1] && group === channels && inner === 1 && strides.every((v) => v <= 2));
    // The kernels' int32 sums are exact while every product's magnitude summed stays below 2^31.
    const wMax = w.dtype === 'int8' ? 128 : 255;
    const int32Exact = inner * taps * wMax * centredMax(x.dtype, x.zpValues[0]!) + (bias ? Math.max(0, ...Array.from(bias, Math.abs)) : 0) < 2 ** 31;
    if (s.kind === 'Conv' && wRank === 4 && kernelFits && int32Exact && w.zpValues.every((z) => z === 0) && xShape.every((d) => typeof d === 'number')) {
      return integerConv(view, node, q, x, w, node.inputs[2] ? view.producer(node.inputs[2])!.inputs[0]! : undefined, group);
    }
    // The integer matmul kernel: any weight zero points (taken out exactly after the sums), so the
    // bound uses |w - zw| ≤ 255; int32 arithmetic wraps, so only the final sum has to fit.
    const matmulExact = inner * 255 * centredMax(x.dtype, x.zpValues[0]!) + (bias ? Math.max(0, ...Array.from(bias, Math.abs)) : 0) < 2 ** 31;
    if (s.kind !== 'Conv' && matmulExact && xShape.length >= 2 && xShape.every((d) => typeof d === 'number')) {
      return integerMatMul(view, node, q, x, w, node.inputs[2] ? view.producer(node.inputs[2])!.inputs[0]! : undefined, s.channelAxis === 0);
    }

    // Bounds of the exact sums, per output channel and input channel.
    const wt = view.constant(w.q)!;
    const wd = wt.data as Int8Array | Uint8Array;
    const at = (m: number, c: number, t: number) => (s.kind === 'Conv' ? (m * inner + c) * taps + t : s.channelAxis === 0 ? m * inner + c : c * channels + m);
    const absW = (m: number, c: number) => {
      const z = w.zpValues[perChannel ? m : 0]!;
      let sum = 0;
      for (let t = 0; t < taps; t++) sum += Math.abs(wd[at(m, c, t)]! - z);
      return sum;
    };
    const maxBias = bias ? Math.max(...Array.from(bias, Math.abs)) : 0;
    const chunks = exactChunks(channels, inner, absW, centredMax(x.dtype, x.zpValues[0]!), maxBias);
    if (!chunks || (chunks.length > 1 && (group !== 1 || s.kind !== 'Conv'))) return undefined;

    const name = node.name;
    const constants: [string, Tensor][] = [];
    const constant = (hint: string, t: Tensor) => { const v = view.fresh(`${name}/${hint}`); constants.push([v, t]); return v; };
    const one = constant('one', makeTensor('float32', [], [1]));
    const ones = constant('ones', makeTensor('float32', [w.scale.length], new Array(w.scale.length).fill(1)));
    const xc = view.fresh(`${name}/x_centred`), wc = view.fresh(`${name}/w_centred`);
    const insert: Node[] = [
      { name: `${name}/x_centred`, op: 'DequantizeLinear', inputs: x.zp ? [x.q, one, x.zp] : [x.q, one], outputs: [xc], attrs: { axis: 1, block_size: 0 } },
      { name: `${name}/w_centred`, op: 'DequantizeLinear', inputs: w.zp ? [w.q, ones, w.zp] : [w.q, ones], outputs: [wc], attrs: { axis: w.axis, block_size: 0 } },
    ];
    const biasF = bias ? constant('bias', makeTensor('float32', [channels], Array.from(bias))) : undefined;
    let acc = view.fresh(`${name}/acc`);
    if (chunks.length === 1) {
      let wOp = wc, attrs = node.attrs;
      if (s.kind === 'Gemm' && gemmAttrs(node).transB) {
        // Transposed once at load time (wc is a load-time value): the kernel then reads B by rows.
        wOp = view.fresh(`${name}/w_rows`);
        insert.push({ name: `${name}/w_rows`, op: 'Transpose', inputs: [wc], outputs: [wOp], attrs: { perm: [1, 0] } });
        attrs = { ...node.attrs, transB: 0 };
      }
      const inputs = s.kind === 'MatMul' ? [xc, wOp] : biasF ? [xc, wOp, biasF] : [xc, wOp];
      insert.push({ ...node, name: `${name}/integer`, inputs, outputs: [acc], attrs });
    } else {
      insert.push(...chunkedConv(view, node, xc, wc, chunks, bias, acc, constant));
    }
    if (s.kind === 'MatMul' && biasF) {
      const biased = view.fresh(`${name}/acc_bias`);
      insert.push(functionNode(`${name}/bias`, 'Add', [acc, biasF], [biased]));
      acc = biased;
    }
    // The combined scale, rounded to float32 at each step as onnxruntime computes it.
    const sx = x.scale[0]!, syv = Number(sy.data[0]);
    const m = Float32Array.from(w.scale, (sw) => Math.fround(Math.fround(sx * sw) / syv));
    const mShape = !perChannel ? [] : s.kind === 'Conv' ? [channels, ...new Array(view.type(node.outputs[0]!).shape.length - 2).fill(1)] : [channels];
    const scaled = view.fresh(`${name}/scaled`);
    insert.push(
      functionNode(`${name}/requantize`, 'Mul', [acc, constant('multiplier', makeTensor('float32', mShape, Array.from(m)))], [scaled]),
      { ...q, inputs: q.inputs[2] ? [scaled, one, q.inputs[2]] : [scaled, one] },
    );
    const patch: Patch = { remove: [node, q], insert, constants };
    return patch;
  },
};

/**
 * A 2-D group-1 or depthwise Conv over weights with zero point 0 becomes one QLinearConv node: the integer
 * kernel (wasm-codegen kernels/int8) reads the 8-bit input, sums in int32 (no length limit, so no
 * chunks) and writes the requantized 8-bit output, which the next quantized op reads as it is.
 */
function integerConv(view: GraphView, node: Node, q: Node, x: Dequantized, w: Dequantized, bias: string | undefined, group: number): Patch {
  const name = node.name;
  const constants: [string, Tensor][] = [];
  const zero = (hint: string, dtype: DType) => { const v = view.fresh(`${name}/${hint}`); constants.push([v, makeTensor(dtype, [], [0])]); return v; };
  const to = quantizeAttrs(q).to!;
  const inputs = [
    x.q, x.s, x.zp ?? zero('x_zero_point', x.dtype),
    w.q, w.s, w.zp ?? zero('w_zero_point', w.dtype),
    q.inputs[1]!, q.inputs[2] || zero('y_zero_point', to),
    ...(bias ? [bias] : []),
  ];
  // The IR op takes its group explicitly (no ONNX default past import).
  const c = convAttrs(node);
  const attrs = { strides: c.strides, pads: c.pads, dilations: c.dilations, kernel_shape: c.kernelShape, group };
  return { remove: [node, q], insert: [{ name: `${name}/qlinear`, op: 'QLinearConv', inputs, outputs: q.outputs, attrs }], constants };
}

/**
 * A 2-D-weight MatMul or Gemm becomes one QLinearMatMul node (the integer matmul kernel, 8-bit in
 * and out); a Gemm's transposed weights are stored transposed ([K, N]) at compile time.
 */
function integerMatMul(view: GraphView, node: Node, q: Node, x: Dequantized, w: Dequantized, bias: string | undefined, transposed: boolean): Patch {
  const name = node.name;
  const constants: [string, Tensor][] = [];
  const constant = (hint: string, t: Tensor) => { const v = view.fresh(`${name}/${hint}`); constants.push([v, t]); return v; };
  const zero = (hint: string, dtype: DType) => constant(hint, makeTensor(dtype, [], [0]));
  const to = quantizeAttrs(q).to!;
  let wq = w.q;
  if (transposed) {
    const t = view.constant(w.q)!;
    const [N, K] = t.dims as [number, number];
    const d = t.data as Int8Array | Uint8Array;
    const rows = makeTensor(t.dtype, [K, N]);
    for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) rows.data[k * N + n] = d[n * K + k]!;
    wq = constant('w_rows', rows);
  }
  const inputs = [
    x.q, x.s, x.zp ?? zero('x_zero_point', x.dtype),
    wq, w.s, w.zp ?? zero('w_zero_point', w.dtype),
    q.inputs[1]!, q.inputs[2] || zero('y_zero_point', to),
    ...(bias ? [bias] : []),
  ];
  return { remove: [node, q], insert: [{ name: `${name}/qlinear`, op: 'QLinearMatMul', inputs, outputs: q.outputs, attrs: {} }], constants };
}

/** A group-1 Conv whose sums need several exact chunks of input channels, added in int32. */
function chunkedConv(view: GraphView, node: Node, xc: string, wc: string, chunks: [number, number][], bias: Int32Array | undefined, out: string, constant: (hint: string, t: Tensor) => string): Node[] {
  const name = node.name;
  const nodes: Node[] = [];
  const axisConst = constant('axis1', makeTensor('int64', [1], [1]));
  let sum: string | undefined;
  chunks.forEach(([a, b], k) => {
    const lo = constant(`start${k}`, makeTensor('int64', [1], [a])), hi = constant(`end${k}`, makeTensor('int64', [1], [b]));
    const xs = view.fresh(`${name}/x${k}`), ws = view.fresh(`${name}/w${k}`), p = view.fresh(`${name}/partial${k}`), pi = view.fresh(`${name}/partial${k}_i32`);
    nodes.push(
      { name: `${name}/x${k}`, op: 'Slice', inputs: [xc, lo, hi, axisConst], outputs: [xs], attrs: {} },
      { name: `${name}/w${k}`, op: 'Slice', inputs: [wc, lo, hi, axisConst], outputs: [ws], attrs: {} },
      { ...node, name: `${name}/integer${k}`, inputs: [xs, ws], outputs: [p] },
      { name: `${name}/partial${k}_i32`, op: 'Cast', inputs: [p], outputs: [pi], attrs: { to: 'int32' } },
    );
    if (sum === undefined) { sum = pi; return; }
    const s = view.fresh(`${name}/sum${k}`);
    nodes.push(functionNode(`${name}/sum${k}`, 'Add', [sum, pi], [s]));
    sum = s;
  });
  if (bias) {
    const rank = view.type(node.outputs[0]!).shape.length;
    const b = constant('bias_i32', makeTensor('int32', [bias.length, ...new Array(rank - 2).fill(1)], Array.from(bias)));
    const s = view.fresh(`${name}/sum_bias`);
    nodes.push(functionNode(`${name}/sum_bias`, 'Add', [sum!, b], [s]));
    sum = s;
  }
  nodes.push({ name: `${name}/acc`, op: 'Cast', inputs: [sum!], outputs: [out], attrs: { to: 'float32' } });
  return nodes;
}

export const lowerQdq = rewritePass(
  'lower-qdq',
  'run quantized Conv/Gemm/MatMul (DequantizeLinear → op → QuantizeLinear) as exact integer sums with onnxruntime\'s requantization, MaxPool/Concat/reshapes between equal quantizations on the 8-bit values, and MatMulInteger → Cast → Mul(scale) [→ Add(bias)] as one integer matmul with a float32 epilogue',
  [integerOp, qdqPassthrough, ...integerMatMulRules],
);
