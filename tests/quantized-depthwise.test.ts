// Depthwise QLinearConv (the 8-bit depthwise kernel, kernels/int8/depthwise.ts) against
// onnxruntime-node on full-range 8-bit data, bit for bit: mobilenet's shapes (3x3, strides 1 and
// 2, pad 1, a 7x7 plane swept flat) and odd ones (widths past one 16-output step, 5x5, asymmetric
// pads, channels not a multiple of 16), int8 and uint8 activations.
import { describe, expect, it } from 'vitest';
import ort from 'onnxruntime-node';
import { compile } from 'onnx2wasm';
import { loadModel } from '@onnx2wasm/runtime';
import { seededRandom } from '@onnx2wasm/ir';
import { InitSpec, buildModel, intAttr, intsAttr } from './support/onnx-builder.js';

const INT8 = 3, UINT8 = 2, INT32 = 6, FLOAT = 1;
type Q = 'int8' | 'uint8';

interface Case { C: number; H: number; W: number; k: number; stride: number; pads: number[]; x: Q; seed: number }

const CASES: Case[] = [
  { C: 24, H: 23, W: 37, k: 3, stride: 1, pads: [1, 1, 1, 1], x: 'uint8', seed: 1 },
  { C: 20, H: 22, W: 45, k: 3, stride: 2, pads: [1, 1, 1, 1], x: 'int8', seed: 2 },
  { C: 33, H: 7, W: 7, k: 3, stride: 1, pads: [1, 1, 1, 1], x: 'int8', seed: 3 },
  { C: 17, H: 14, W: 14, k: 3, stride: 2, pads: [0, 0, 1, 1], x: 'uint8', seed: 4 },
  { C: 9, H: 19, W: 21, k: 5, stride: 1, pads: [2, 1, 0, 2], x: 'uint8', seed: 5 },
  { C: 5, H: 16, W: 80, k: 5, stride: 2, pads: [2, 2, 2, 2], x: 'int8', seed: 6 },
];

function model(c: Case) {
  const rnd = seededRandom(c.seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const xType = c.x === 'int8' ? INT8 : UINT8;
  const [xlo, xhi] = c.x === 'int8' ? [-128, 127] : [0, 255];
  const x = (c.x === 'int8' ? Int8Array : Uint8Array).from({ length: c.C * c.H * c.W }, () => int(xlo, xhi));
  const w = Int8Array.from({ length: c.C * c.k * c.k }, () => int(-128, 127));
  const bias = Int32Array.from({ length: c.C }, () => int(-20000, 20000));
  const sw = Float32Array.from({ length: c.C }, () => 0.001 + 0.009 * rnd());
  const f32 = (v: number) => new Uint8Array(Float32Array.of(v).buffer);
  const q = (v: number) => (c.x === 'int8' ? new Uint8Array(Int8Array.of(v).buffer) : Uint8Array.of(v));
  const inits: InitSpec[] = [
    { name: 'sx', dims: [], raw: f32(0.02) }, { name: 'zx', dims: [], dataType: xType, raw: q(c.x === 'int8' ? -3 : 131) },
    { name: 'w', dims: [c.C, 1, c.k, c.k], dataType: INT8, raw: new Uint8Array(w.buffer) },
    { name: 'sw', dims: [c.C], dataType: FLOAT, raw: new Uint8Array(sw.buffer) },
    { name: 'zw', dims: [c.C], dataType: INT8, raw: new Uint8Array(c.C) },
    // Outputs spread over the whole 8-bit range, some saturated.
    { name: 'sy', dims: [], raw: f32(0.02 * 0.005 * c.k * 40) }, { name: 'zy', dims: [], dataType: xType, raw: q(c.x === 'int8' ? 5 : 120) },
    { name: 'bias', dims: [c.C], dataType: INT32, raw: new Uint8Array(bias.buffer) },
  ];
  const OH = Math.floor((c.H + c.pads[0]! + c.pads[2]! - c.k) / c.stride) + 1, OW = Math.floor((c.W + c.pads[1]! + c.pads[3]! - c.k) / c.stride) + 1;
  const bytes = buildModel({
    inputs: [{ name: 'x', dims: [1, c.C, c.H, c.W], elemType: xType }],
    outputs: [{ name: 'y', dims: [1, c.C, OH, OW], elemType: xType }],
    nodes: [{
      op: 'QLinearConv', inputs: ['x', 'sx', 'zx', 'w', 'sw', 'zw', 'sy', 'zy', 'bias'], outputs: ['y'],
      attrs: [intsAttr('kernel_shape', [c.k, c.k]), intsAttr('strides', [c.stride, c.stride]), intsAttr('pads', c.pads), intAttr('group', c.C)],
    }],
    initializers: inits,
  });
  return { bytes, x };
}

describe('depthwise QLinearConv matches onnxruntime-node bit for bit', () => {
  for (const c of CASES) {
    it(`${c.x} ${c.C}x${c.H}x${c.W}, ${c.k}x${c.k} stride ${c.stride} pads [${c.pads}]`, async () => {
      const { bytes, x } = model(c);
      const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
      const want = (await session.run({ x: new ort.Tensor(c.x, x, [1, c.C, c.H, c.W]) })).y!.data as Uint8Array | Int8Array;
      await session.release();
      const compiled = await compile(bytes);
      expect(compiled.graph.nodes.map((n) => n.op)).toEqual(['QLinearConv']);
      const ours = await loadModel({ wasm: compiled.wasm, weights: compiled.weights });
      const got = (await ours.run({ x: { dtype: c.x, dims: [1, c.C, c.H, c.W], data: x } })).y!.data as Uint8Array | Int8Array;
      expect(Array.from(got)).toEqual(Array.from(want));
      expect(new Set(want).size).toBeGreaterThan(50);
    });
  }
});
