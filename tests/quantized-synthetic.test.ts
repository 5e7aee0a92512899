// Small quantized graphs built here, in both forms onnxruntime's quantizer writes (QDQ and
// QOperator), per tensor and per channel, int8 and uint8 activations, with FULL-RANGE int8 weights
// and reductions far longer than float32's exact 258 products of 255 x 255. The oracle is an exact
// integer reference written below (int32 sums, onnxruntime's float32 requantization): on
// full-range uint8 x int8 data onnxruntime's x86 kernels add products in saturating int16 pairs
// and are not exact (../shared/models/quantized/README.md), so it only checks the 7-bit case.
import { describe, expect, it } from 'vitest';
import ort from 'onnxruntime-node';
import { compile } from 'onnx2wasm';
import { loadModel } from '@onnx2wasm/runtime';
import { seededRandom } from '@onnx2wasm/ir';
import { InitSpec, NodeSpec, buildModel, intAttr } from './support/onnx-builder.js';

const INT8 = 3, UINT8 = 2, INT32 = 6, FLOAT = 1;
type Q = 'int8' | 'uint8';
const RANGE: Record<Q, [number, number]> = { int8: [-128, 127], uint8: [0, 255] };
const f = Math.fround;
/** Round half to even, as f32.nearest and onnxruntime's requantization. */
const nearest = (v: number) => { const r = Math.round(v); return Math.abs(v - Math.trunc(v)) === 0.5 && r % 2 !== 0 ? r - 1 : r; };
const saturate = (v: number, t: Q) => Math.min(RANGE[t][1], Math.max(RANGE[t][0], v));

interface ConvCase { C: number; M: number; H: number; k: number; x: Q; perChannel: boolean; weightBits: 8 | 7; seed: number }

function makeCase(c: ConvCase) {
  const rnd = seededRandom(c.seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const [wlo, whi] = c.weightBits === 8 ? [-128, 127] : [-64, 63];
  const w = Int8Array.from({ length: c.M * c.C * c.k * c.k }, () => (rnd() < 0.3 ? (rnd() < 0.5 ? wlo : whi) : int(wlo, whi)));
  const x = (c.x === 'int8' ? Int8Array : Uint8Array).from({ length: c.C * c.H * c.H }, () => (rnd() < 0.3 ? RANGE[c.x][rnd() < 0.5 ? 0 : 1] : int(...RANGE[c.x])));
  const bias = Int32Array.from({ length: c.M }, () => int(-5000, 5000));
  const sx = f(0.02), sy = f(0.9 + rnd());
  const sw = Float32Array.from({ length: c.perChannel ? c.M : 1 }, () => f(0.001 + 0.003 * rnd()));
  const zx = c.x === 'int8' ? -3 : 131, zy = c.x === 'int8' ? 5 : 120;
  return { w, x, bias, sx, sy, sw, zx, zy };
}

/** Exact int32 conv (stride 1, pads k/2) and onnxruntime's requantization (`sums` only: the int32 sums without bias). */
function reference(c: ConvCase, d: ReturnType<typeof makeCase>, sums = false): number[] {
  const { C, M, H, k } = c, p = k >> 1, out: number[] = [];
  for (let m = 0; m < M; m++) {
    const scale = f(f(d.sx * d.sw[c.perChannel ? m : 0]!) / d.sy);
    for (let i = 0; i < H; i++) for (let j = 0; j < H; j++) {
      let acc = sums ? 0 : d.bias[m]!;
      for (let ch = 0; ch < C; ch++) for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) {
        const y = i + a - p, z = j + b - p;
        if (y < 0 || z < 0 || y >= H || z >= H) continue;
        acc += (d.x[(ch * H + y) * H + z]! - d.zx) * d.w[((m * C + ch) * k + a) * k + b]!;
      }
      out.push(sums ? acc : saturate(nearest(f(acc * scale)) + d.zy, c.x));
    }
  }
  return out;
}

const scalar = (name: string, v: number, dataType = FLOAT): InitSpec => ({ name, dims: [], dataType, raw: dataType === FLOAT ? new Uint8Array(Float32Array.of(v).buffer) : dataType === INT8 ? new Uint8Array(Int8Array.of(v).buffer) : Uint8Array.of(v) });

function convModel(c: ConvCase, d: ReturnType<typeof makeCase>, form: 'qdq' | 'qoperator'): Uint8Array {
  const xType = c.x === 'int8' ? INT8 : UINT8;
  const inits: InitSpec[] = [
    { name: 'w', dims: [c.M, c.C, c.k, c.k], dataType: INT8, raw: new Uint8Array(d.w.buffer) },
    { name: 'sw', dims: c.perChannel ? [c.M] : [], raw: new Uint8Array(d.sw.buffer) },
    { name: 'zw', dims: c.perChannel ? [c.M] : [], dataType: INT8, raw: new Uint8Array(c.perChannel ? c.M : 1) },
    { name: 'bias', dims: [c.M], dataType: INT32, raw: new Uint8Array(d.bias.buffer) },
    scalar('sx', d.sx), scalar('zx', d.zx, xType), scalar('sy', d.sy), scalar('zy', d.zy, xType),
  ];
  const attrs = [{ name: 'kernel_shape', type: 7, ints: [c.k, c.k] }, { name: 'pads', type: 7, ints: Array(4).fill(c.k >> 1) }];
  let nodes: NodeSpec[];
  if (form === 'qoperator') {
    nodes = [{ op: 'QLinearConv', inputs: ['x', 'sx', 'zx', 'w', 'sw', 'zw', 'sy', 'zy', 'bias'], outputs: ['y'], attrs }];
  } else {
    inits.push({ name: 'sb', dims: [c.perChannel ? c.M : 1].slice(c.perChannel ? 0 : 1), raw: new Uint8Array(Float32Array.from(d.sw, (s) => f(d.sx * s)).buffer) });
    nodes = [
      { op: 'DequantizeLinear', inputs: ['x', 'sx', 'zx'], outputs: ['xf'] },
      { op: 'DequantizeLinear', inputs: ['w', 'sw', 'zw'], outputs: ['wf'], attrs: [intAttr('axis', 0)] },
      { op: 'DequantizeLinear', inputs: ['bias', 'sb'], outputs: ['bf'], attrs: [intAttr('axis', 0)] },
      { op: 'Conv', inputs: ['xf', 'wf', 'bf'], outputs: ['yf'], attrs },
      { op: 'QuantizeLinear', inputs: ['yf', 'sy', 'zy'], outputs: ['y'] },
    ];
  }
  return buildModel({ inputs: [{ name: 'x', dims: [1, c.C, c.H, c.H], elemType: xType }], outputs: [{ name: 'y', dims: [1, c.M, c.H, c.H], elemType: xType }], nodes, initializers: inits });
}

async function ours(bytes: Uint8Array, c: ConvCase, x: Int8Array | Uint8Array) {
  const compiled = await compile(bytes);
  const model = await loadModel({ wasm: compiled.wasm, weights: compiled.weights });
  const out = await model.run({ x: { dtype: c.x, dims: [1, c.C, c.H, c.H], data: x } });
  return { y: Array.from(out.y!.data as Int8Array), weightsBytes: compiled.weights.byteLength, integerConvs: compiled.graph.nodes.filter((n) => n.op === 'QLinearConv').length, floatConvs: compiled.graph.nodes.filter((n) => n.op === 'Conv').length };
}

const CASES: (ConvCase & { label: string })[] = [
  { label: 'int8 activations, per-channel full-range weights, 64x3x3 = 576 products', C: 64, M: 8, H: 6, k: 3, x: 'int8', perChannel: true, weightBits: 8, seed: 1 },
  { label: 'uint8 activations, per-tensor full-range weights, 300 input channels', C: 300, M: 4, H: 5, k: 1, x: 'uint8', perChannel: false, weightBits: 8, seed: 2 },
  // About 3x past float32's exact range even with the weights' real magnitudes: int32 sums in the integer kernel.
  { label: 'uint8 activations, per-tensor full-range weights, 512x3x3 = 4608 products', C: 512, M: 2, H: 3, k: 3, x: 'uint8', perChannel: false, weightBits: 8, seed: 4 },
  { label: 'uint8 activations, per-channel 7-bit weights, 128x3x3', C: 128, M: 6, H: 5, k: 3, x: 'uint8', perChannel: true, weightBits: 7, seed: 3 },
];

describe('quantized Conv is exact integer arithmetic with onnxruntime\'s requantization', () => {
  for (const c of CASES) {
    for (const form of ['qdq', 'qoperator'] as const) {
      it(`${form}: ${c.label}`, async () => {
        const d = makeCase(c);
        const want = reference(c, d);
        const got = await ours(convModel(c, d, form), c, d.x);
        expect(got.y).toEqual(want);
        // Each case runs on the integer conv kernel (kernels/int8), not on float convs.
        expect([got.integerConvs, got.floatConvs]).toEqual([1, 0]);
        // int8 weights stay int8 in the weights file.
        expect(got.weightsBytes).toBeLessThan(2 * d.w.length);
      });
    }
  }

  it('onnxruntime-node agrees with the exact reference on 7-bit weights (QLinearConv)', async () => {
    const c = CASES[3]!, d = makeCase(c);
    const session = await ort.InferenceSession.create(convModel(c, d, 'qoperator'), { intraOpNumThreads: 1 });
    const res = await session.run({ x: new ort.Tensor('uint8', d.x, [1, c.C, c.H, c.H]) });
    await session.release();
    expect(Array.from(res.y!.data as Uint8Array)).toEqual(reference(c, d));
  });

  it('ConvInteger sums 64x3x3 = 576 full-range products exactly (int32 out, split over input channels)', async () => {
    const c = CASES[0]!, d = makeCase(c);
    const bytes = buildModel({
      inputs: [{ name: 'x', dims: [1, c.C, c.H, c.H], elemType: INT8 }],
      outputs: [{ name: 'y', dims: [1, c.M, c.H, c.H], elemType: INT32 }],
      nodes: [{ op: 'ConvInteger', inputs: ['x', 'w', 'zx'], outputs: ['y'], attrs: [{ name: 'kernel_shape', type: 7, ints: [3, 3] }, { name: 'pads', type: 7, ints: [1, 1, 1, 1] }] }],
      initializers: [{ name: 'w', dims: [c.M, c.C, 3, 3], dataType: INT8, raw: new Uint8Array(d.w.buffer) }, scalar('zx', d.zx, INT8)],
    });
    const compiled = await compile(bytes);
    const model = await loadModel({ wasm: compiled.wasm, weights: compiled.weights });
    const out = await model.run({ x: { dtype: 'int8', dims: [1, c.C, c.H, c.H], data: d.x } });
    expect(Array.from(out.y!.data as Int32Array)).toEqual(reference(c, d, true));
  });
});
