// The com.microsoft quantized ops onnxruntime's quantizer writes, one small node each, against
// onnxruntime-node on the same data. 8-bit outputs: equal, except QLinearAveragePool, which we run
// as dequantize → float AveragePool → quantize while onnxruntime sums the integers and scales once:
// a value near a .5 tie may land one step apart (at most 2 of 64 here).
import { describe, expect, it } from 'vitest';
import ort from 'onnxruntime-node';
import { compile } from 'onnx2wasm';
import { loadModel } from '@onnx2wasm/runtime';
import { seededRandom } from '@onnx2wasm/ir';
import { InitSpec, NodeSpec, buildModel } from './support/onnx-builder.js';

const FLOAT = 1, UINT8 = 2, INT8 = 3, INT32 = 6;
const MS = 'com.microsoft';

type Data = Uint8Array | Int8Array | Float32Array;
interface Input { name: string; dims: number[]; type: number; data: Data }

const f32 = (name: string, v: number[] | number, dims: number[] = []): InitSpec => ({ name, dims, raw: new Uint8Array(Float32Array.from([v].flat()).buffer) });
const u8 = (name: string, v: number[] | number, dims: number[] = []): InitSpec => ({ name, dims, dataType: UINT8, raw: Uint8Array.from([v].flat()) });
const i8 = (name: string, v: number[] | number, dims: number[] = []): InitSpec => ({ name, dims, dataType: INT8, raw: new Uint8Array(Int8Array.from([v].flat()).buffer) });

function bytes(n: number, seed: number): Uint8Array {
  const r = seededRandom(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
}

async function both(node: NodeSpec, inputs: Input[], out: { dims: number[]; type: number }, inits: InitSpec[]) {
  const model = buildModel({
    inputs: inputs.map((i) => ({ name: i.name, dims: i.dims, elemType: i.type })),
    outputs: [{ name: 'y', dims: out.dims, elemType: out.type }],
    nodes: [{ ...node, domain: MS, outputs: ['y'] }],
    initializers: inits, domains: { [MS]: 1 },
  });
  const dtype = (t: number) => (t === UINT8 ? 'uint8' : t === INT8 ? 'int8' : 'float32');
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  const ref = await session.run(Object.fromEntries(inputs.map((i) => [i.name, new ort.Tensor(dtype(i.type) as 'uint8', i.data as Uint8Array, i.dims)])));
  await session.release();
  const c = await compile(model);
  const m = await loadModel({ wasm: c.wasm, weights: c.weights });
  const ours = await m.run(Object.fromEntries(inputs.map((i) => [i.name, { dtype: dtype(i.type), dims: i.dims, data: i.data }])));
  return { ours: Array.from(ours.y!.data as ArrayLike<number>), ref: Array.from(ref.y!.data as ArrayLike<number>) };
}

/** Outputs at most one step apart, and no more than `ties` of them apart at all. */
function expectClose(r: { ours: number[]; ref: number[] }, ties = 0) {
  const off = r.ours.filter((v, i) => v !== r.ref[i]);
  expect(Math.max(0, ...r.ours.map((v, i) => Math.abs(v - r.ref[i]!)))).toBeLessThanOrEqual(ties ? 1 : 0);
  expect(off.length).toBeLessThanOrEqual(ties);
}

const x4 = (name: string, seed: number, dims = [1, 4, 5, 5]): Input => ({ name, dims, type: UINT8, data: bytes(dims.reduce((a, b) => a * b, 1), seed) });
const scales = [f32('sa', 0.031), u8('za', 121), f32('sb', 0.017), u8('zb', 135), f32('sy', 0.043), u8('zy', 128)];

describe('com.microsoft quantized ops match onnxruntime-node', () => {
  it('QLinearAdd', async () => {
    expectClose(await both({ op: 'QLinearAdd', inputs: ['a', 'sa', 'za', 'b', 'sb', 'zb', 'sy', 'zy'], outputs: [] }, [x4('a', 1), x4('b', 2)], { dims: [1, 4, 5, 5], type: UINT8 }, scales));
  });
  it('QLinearMul', async () => {
    expectClose(await both({ op: 'QLinearMul', inputs: ['a', 'sa', 'za', 'b', 'sb', 'zb', 'sy', 'zy'], outputs: [] }, [x4('a', 3), x4('b', 4)], { dims: [1, 4, 5, 5], type: UINT8 }, [...scales.slice(0, 4), f32('sy', 1.3), u8('zy', 128)]));
  });
  it('QLinearConcat', async () => {
    expectClose(await both({ op: 'QLinearConcat', inputs: ['sy', 'zy', 'a', 'sa', 'za', 'b', 'sb', 'zb'], outputs: [], attrs: [{ name: 'axis', type: 2, i: 1 }] }, [x4('a', 5), x4('b', 6)], { dims: [1, 8, 5, 5], type: UINT8 }, scales));
  });
  it('QLinearGlobalAveragePool', async () => {
    expectClose(await both({ op: 'QLinearGlobalAveragePool', inputs: ['a', 'sa', 'za', 'sy', 'zy'], outputs: [], attrs: [{ name: 'channels_last', type: 2, i: 0 }] }, [x4('a', 7)], { dims: [1, 4, 1, 1], type: UINT8 }, scales));
  });
  it('QLinearAveragePool', async () => {
    expectClose(await both({ op: 'QLinearAveragePool', inputs: ['a', 'sa', 'za', 'sy', 'zy'], outputs: [], attrs: [{ name: 'kernel_shape', type: 7, ints: [2, 2] }] }, [x4('a', 8)], { dims: [1, 4, 4, 4], type: UINT8 }, scales), 2);
  });
  it('QLinearSigmoid', async () => {
    expectClose(await both({ op: 'QLinearSigmoid', inputs: ['a', 'sa', 'za', 'sy', 'zy'], outputs: [] }, [x4('a', 9)], { dims: [1, 4, 5, 5], type: UINT8 }, [...scales.slice(0, 4), f32('sy', 1 / 256), u8('zy', 0)]));
  });
  it('QLinearLeakyRelu', async () => {
    expectClose(await both({ op: 'QLinearLeakyRelu', inputs: ['a', 'sa', 'za', 'sy', 'zy'], outputs: [], attrs: [{ name: 'alpha', type: 1, f: 0.1 }] }, [x4('a', 10)], { dims: [1, 4, 5, 5], type: UINT8 }, scales));
  });
  it('QGemm (quantized output, per-channel int8 weights, int32 bias)', async () => {
    const K = 300, N = 6, r = seededRandom(11);
    const w = Array.from({ length: N * K }, () => Math.floor(r() * 127) - 63);
    const inits = [f32('sa', 0.02), u8('za', 120), i8('w', w, [N, K]), f32('sw', [0.01, 0.011, 0.012, 0.013, 0.014, 0.015], [N]), i8('zw', [0, 0, 0, 0, 0, 0], [N]),
      { name: 'c', dims: [N], dataType: INT32, raw: new Uint8Array(Int32Array.of(100, -200, 300, -400, 500, -600).buffer) }, f32('sy', 0.5), u8('zy', 128)];
    expectClose(await both({ op: 'QGemm', inputs: ['a', 'sa', 'za', 'w', 'sw', 'zw', 'c', 'sy', 'zy'], outputs: [], attrs: [{ name: 'transB', type: 2, i: 1 }] }, [{ name: 'a', dims: [2, K], type: UINT8, data: bytes(2 * K, 12) }], { dims: [2, N], type: UINT8 }, inits));
  });
  for (const op of ['MatMulIntegerToFloat', 'DynamicQuantizeMatMul'] as const) {
    it(`${op} (float output)`, async () => {
      const K = 40, N = 5, r = seededRandom(13);
      const w = Array.from({ length: K * N }, () => Math.floor(r() * 127) - 63);
      const dyn = op === 'DynamicQuantizeMatMul';
      const a: Input = dyn ? { name: 'a', dims: [3, K], type: FLOAT, data: Float32Array.from({ length: 3 * K }, () => r() * 2 - 1) } : { name: 'a', dims: [3, K], type: UINT8, data: bytes(3 * K, 14) };
      const inputs = dyn ? ['a', 'b', 'sb', 'zb', 'bias'] : ['a', 'b', 'sa', 'sb', 'za', 'zb', 'bias'];
      const inits = [i8('b', w, [K, N]), f32('sb', 0.01), i8('zb', 0), f32('sa', 0.02), u8('za', 130), f32('bias', [0.1, 0.2, 0.3, 0.4, 0.5], [N])];
      const res = await both({ op, inputs, outputs: [] }, [a], { dims: [3, N], type: FLOAT }, inits);
      const scale = Math.max(...res.ref.map(Math.abs));
      res.ours.forEach((v, i) => expect(Math.abs(v - res.ref[i]!)).toBeLessThanOrEqual(1e-5 * scale));
    });
  }
});
