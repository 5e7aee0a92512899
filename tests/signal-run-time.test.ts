// AffineGrid, Col2Im, STFT and MelWeightMatrix with their shape-like inputs fed at run time: the
// importer builds each from ops whose output dims the run computes, so one compiled model serves
// any values. Each op runs two value sets in one model (the second larger: its memory plan grows
// and the run repeats), and hostile values stop the run with a typed error naming the node.
// Every case is compared with onnxruntime-node.
import { describe, expect, it } from 'vitest';
import { compile } from 'onnx2wasm';
import { loadModel, type Tensor } from '@onnx2wasm/runtime';
import { buildModel, intAttr, intsAttr } from './support/onnx-builder.js';
import { seededInput } from './support/models.js';
import { expectSameAsOrt } from './support/ort-compare.js';

const INT64 = 7;
const f32 = (dims: number[], seed = dims.length + 1): Tensor => ({ dtype: 'float32', dims, data: seededInput(dims, seed) });
const i64 = (values: number[], dims = [values.length]): Tensor => ({ dtype: 'int64', dims, data: BigInt64Array.from(values, (v) => BigInt(v)) });
const scalarF = (v: number): Tensor => ({ dtype: 'float32', dims: [], data: Float32Array.of(v) });

async function load(bytes: Uint8Array) {
  const c = await compile(bytes, { verify: true });
  expect(c.summary.valueVariants).toBeUndefined();
  return loadModel({ wasm: c.wasm, weights: c.weights });
}

const rejects = (p: Promise<unknown>, code: string, node: string) =>
  expect(p).rejects.toMatchObject({ code, message: expect.stringContaining(`'${node}`) });

describe('signal and vision ops with run-time shape-like inputs', () => {
  for (const align of [0, 1]) {
    it(`AffineGrid 2-D and 3-D, align_corners=${align}: any size, a larger one grows the plan; negative sizes and a batch other than theta's are refused`, async () => {
      const model2 = (r: number) => buildModel({
        opset: 20,
        inputs: [{ name: 'theta', dims: [2, r, r + 1] }, { name: 'size', dims: [r + 2], elemType: INT64 }],
        outputs: [{ name: 'grid', dims: ['n', ...Array.from({ length: r }, (_, i) => `s${i}`), r] }],
        nodes: [{ op: 'AffineGrid', inputs: ['theta', 'size'], outputs: ['grid'], name: 'ag', attrs: [intAttr('align_corners', align)] }],
      });
      const bytes = model2(2);
      const model = await load(bytes);
      const theta = f32([2, 2, 3]);
      for (const size of [[2, 3, 4, 5], [2, 3, 64, 48], [2, 3, 5, 4], ...(align ? [] : [[2, 3, 6, 1]])]) await expectSameAsOrt(model, bytes, { theta, size: i64(size) });
      // A side of 1: at align_corners=0 its coordinate is 0 everywhere. At align_corners=1 the ONNX
      // reference (linspace(-1, 1, 1), also the op's ONNX function and PyTorch) gives -1, while
      // onnxruntime (Eigen's LinSpaced) gives +1; the expected grid is computed here instead.
      if (align === 0) await expectSameAsOrt(model, bytes, { theta, size: i64([2, 1, 1, 7]) });
      else {
        const out = await model.run({ theta, size: i64([2, 1, 1, 7]) });
        expect(out.grid!.dims).toEqual([2, 1, 7, 2]);
        const t = theta.data as Float32Array, g = out.grid!.data as Float32Array;
        for (let n = 0; n < 2; n++) for (let w = 0; w < 7; w++) for (let c = 0; c < 2; c++) {
          const x = -1 + (2 * w) / 6, y = -1, at = n * 6 + c * 3;
          expect(g[(n * 7 + w) * 2 + c]).toBeCloseTo(t[at]! * x + t[at + 1]! * y + t[at + 2]!, 5);
        }
      }
      // onnxruntime refuses sizes that are not positive too.
      await rejects(model.run({ theta, size: i64([2, 3, -4, 5]) }), 'SHAPE_OUT_OF_BOUNDS', 'ag');
      await rejects(model.run({ theta, size: i64([2, 3, 4, 0]) }), 'SHAPE_OUT_OF_BOUNDS', 'ag');
      await rejects(model.run({ theta, size: i64([3, 3, 4, 5]) }), 'SHAPE_MISMATCH', 'ag');
      await expectSameAsOrt(model, bytes, { theta, size: i64([2, 1, 6, 6]) }); // still works after refused runs

      const bytes3 = model2(3);
      const model3 = await load(bytes3);
      const theta3 = f32([2, 3, 4]);
      for (const size of [[2, 1, 2, 3, 4], [2, 1, 9, 8, 7]]) await expectSameAsOrt(model3, bytes3, { theta: theta3, size: i64(size) });
    });
  }

  it('Col2Im 2-D with strides, dilations and pads, 3-D, and a larger image; block shapes that do not fit the input and negative images are refused', async () => {
    const col2im = (channels: number, rank: number, attrs: ReturnType<typeof intsAttr>[]) => buildModel({
      opset: 18,
      inputs: [{ name: 'x', dims: [1, channels, 'L'] }, { name: 'image', dims: [rank], elemType: INT64 }, { name: 'block', dims: [rank], elemType: INT64 }],
      outputs: [{ name: 'y', dims: ['n', 'c', ...Array.from({ length: rank }, (_, i) => `i${i}`)] }],
      nodes: [{ op: 'Col2Im', inputs: ['x', 'image', 'block'], outputs: ['y'], name: 'col', attrs }],
    });
    // 12 channels = C * K: C=3 with 2x2 blocks, C=2 with 2x3, C=12 with 1x1; L = the block count.
    const plain = col2im(12, 2, []);
    let model = await load(plain);
    for (const [image, block, L] of [[[5, 6], [2, 2], 20], [[5, 7], [2, 3], 20], [[4, 5], [1, 1], 20], [[2, 21], [2, 2], 20], [[40, 50], [2, 2], 1911]] as const) {
      await expectSameAsOrt(model, plain, { x: f32([1, 12, L]), image: i64([...image]), block: i64([...block]) });
    }
    const x = f32([1, 12, 20]);
    await rejects(model.run({ x, image: i64([5, 6]), block: i64([3, 3]) }), 'SHAPE_MISMATCH', 'col'); // 12 channels do not split into 3x3 blocks
    await rejects(model.run({ x, image: i64([6, 6]), block: i64([2, 2]) }), 'SHAPE_MISMATCH', 'col'); // 25 blocks, the input has 20
    await rejects(model.run({ x, image: i64([-5, 6]), block: i64([2, 2]) }), 'SHAPE_MISMATCH', 'col'); // no block fits a negative image
    await rejects(model.run({ x, image: i64([5, 6]), block: i64([-2, -2]) }), 'SHAPE_MISMATCH', 'col');
    await expectSameAsOrt(model, plain, { x, image: i64([5, 6]), block: i64([2, 2]) });

    // Strides, dilations and pads: blocks = floor((image + pads - dilation * (block - 1) - 1) / stride) + 1 per axis.
    const strided = col2im(8, 2, [intsAttr('strides', [2, 1]), intsAttr('dilations', [1, 2]), intsAttr('pads', [1, 0, 1, 2])]);
    model = await load(strided);
    for (const [image, block, L] of [[[5, 4], [2, 2], 12], [[3, 10], [2, 1], 24], [[9, 6], [2, 4], 10]] as const) {
      await expectSameAsOrt(model, strided, { x: f32([1, 8, L]), image: i64([...image]), block: i64([...block]) });
    }

    const volume = col2im(16, 3, []);
    model = await load(volume);
    for (const [image, block, L] of [[[3, 3, 3], [2, 2, 2], 8], [[2, 3, 9], [1, 2, 2], 32]] as const) {
      await expectSameAsOrt(model, volume, { x: f32([1, 16, L]), image: i64([...image]), block: i64([...block]) });
    }
  });

  it('STFT with a run-time frame_step and frame_length, then a run-time window; frames and bins follow the values; a step of 0, a frame longer than the signal and a window of another length are refused', async () => {
    const stft = (inputs: string[], signal: number[], onesided: number) => buildModel({
      opset: 17,
      inputs: [
        { name: 'signal', dims: signal },
        { name: 'step', dims: [], elemType: INT64 },
        ...(inputs.includes('window') ? [{ name: 'window', dims: ['w'] }] : []),
        ...(inputs.includes('length') ? [{ name: 'length', dims: [], elemType: INT64 }] : []),
      ],
      outputs: [{ name: 'y', dims: ['b', 'f', 'k', 2] }],
      nodes: [{ op: 'STFT', inputs: ['signal', 'step', inputs.includes('window') ? 'window' : '', inputs.includes('length') ? 'length' : ''], outputs: ['y'], name: 'st', attrs: [intAttr('onesided', onesided)] }],
    });
    const s = (v: number): Tensor => i64([v], []);
    const real = stft(['length'], [2, 128, 1], 1);
    let model = await load(real);
    const signal = f32([2, 128, 1]);
    for (const [step, len] of [[8, 16], [5, 7], [1, 64], [16, 128]]) await expectSameAsOrt(model, real, { signal, step: s(step!), length: s(len!) }, 1e-4);
    await rejects(model.run({ signal, step: s(0), length: s(16) }), 'SHAPE_OUT_OF_BOUNDS', 'st');
    await rejects(model.run({ signal, step: s(4), length: s(129) }), 'SHAPE_OUT_OF_BOUNDS', 'st');
    await rejects(model.run({ signal, step: s(-3), length: s(16) }), 'SHAPE_OUT_OF_BOUNDS', 'st');

    // A complex signal with a window: onnxruntime-node (1.2x) returns values of 1e33 here, while the
    // ONNX reference (onnx.reference) agrees with numpy's FFT of the windowed frames, so the
    // reference is a direct float64 DFT of the windowed frames, computed below.
    const complex = stft(['window', 'length'], [1, 40, 2], 0);
    model = await load(complex);
    const c = f32([1, 40, 2]);
    for (const [step, len] of [[4, 8], [3, 20]] as const) {
      const window = f32([len], 7);
      const out = await model.run({ signal: c, step: s(step), window, length: s(len) });
      const frames = Math.floor((40 - len) / step) + 1;
      expect(out.y!.dims).toEqual([1, frames, len, 2]);
      const sig = c.data as Float32Array, w = window.data as Float32Array, y = out.y!.data as Float32Array;
      for (let f = 0; f < frames; f++) for (let k = 0; k < len; k++) {
        let re = 0, im = 0;
        for (let t = 0; t < len; t++) {
          const a = (-2 * Math.PI * ((t * k) % len)) / len, xr = sig[2 * (f * step + t)]! * w[t]!, xi = sig[2 * (f * step + t) + 1]! * w[t]!;
          re += xr * Math.cos(a) - xi * Math.sin(a);
          im += xr * Math.sin(a) + xi * Math.cos(a);
        }
        const at = 2 * (f * len + k);
        expect(Math.abs(y[at]! - re), `re f${f} k${k}`).toBeLessThan(1e-4 * Math.max(1, Math.abs(re)));
        expect(Math.abs(y[at + 1]! - im), `im f${f} k${k}`).toBeLessThan(1e-4 * Math.max(1, Math.abs(im)));
      }
    }
    await rejects(model.run({ signal: c, step: s(4), window: f32([8]), length: s(9) }), 'SHAPE_OUT_OF_BOUNDS', 'st');
  });

  it('MelWeightMatrix with every input at run time; edges outside the spectrum and a sample rate of 0 are refused', async () => {
    const bytes = buildModel({
      opset: 17,
      inputs: [
        ...['mels', 'dft', 'rate'].map((name) => ({ name, dims: [], elemType: INT64 })),
        { name: 'low', dims: [] }, { name: 'high', dims: [] },
      ],
      outputs: [{ name: 'w', dims: ['bins', 'mels'] }],
      nodes: [{ op: 'MelWeightMatrix', inputs: ['mels', 'dft', 'rate', 'low', 'high'], outputs: ['w'], name: 'mel' }],
    });
    const model = await load(bytes);
    const feeds = (mels: number, dft: number, rate: number, low: number, high: number) => ({ mels: i64([mels], []), dft: i64([dft], []), rate: i64([rate], []), low: scalarF(low), high: scalarF(high) });
    for (const args of [[8, 16, 8192, 0, 4096], [10, 64, 16000, 20, 7600], [80, 512, 16000, 0, 8000], [3, 9, 100, 5, 40]] as const) await expectSameAsOrt(model, bytes, feeds(...args));
    await rejects(model.run(feeds(8, 16, 8192, 0, 9000)), 'SHAPE_OUT_OF_BOUNDS', 'mel');
    await rejects(model.run(feeds(8, 16, 0, 0, 4000)), 'SHAPE_OUT_OF_BOUNDS', 'mel');
    await rejects(model.run(feeds(-2, 16, 8192, 0, 4000)), 'SHAPE_OUT_OF_BOUNDS', 'mel');
  });
});
