// Resize with scales, sizes or roi fed at run time in the interpolating modes (linear, cubic with
// cubic_coeff_a / exclude_outside, antialias, tf_crop_and_resize with a run-time roi), and the
// opset-10 Resize / Upsample-9 with a run-time scales input: the kernel computes the output dims and
// the taps of every output position during the run (packages/wasm-codegen/src/kernels/emit/
// resize-interpolate.ts). Every case is compared with onnxruntime-node; where onnxruntime maps
// with the rounded output width (align_corners, pytorch_half_pixel, tf_crop_and_resize with a
// width that is not whole), with the same model compiled with the values pinned (the compile-time
// kernel of ops/resize.ts). Hostile values are typed errors naming the node.
import { describe, expect, it } from 'vitest';
import { compile } from 'onnx2wasm';
import { getOp, makeTensor, seededRandom } from '@onnx2wasm/ir';
import { importModel } from '@onnx2wasm/onnx-import';
import { loadModel, type Model, type Tensor } from '@onnx2wasm/runtime';
import { buildModel, floatAttr, intAttr, intsAttr, type NodeSpec, type ValueSpec } from './support/onnx-builder.js';
import { seededInput } from './support/models.js';
import { expectSameAsOrt, type Feeds } from './support/ort-compare.js';

const INT64 = 7;
/** Our f64 taps against onnxruntime's float32 ones. */
const TOL = 1e-4;
const f32 = (dims: number[], data?: ArrayLike<number>): Tensor => ({ dtype: 'float32', dims, data: data ? Float32Array.from(data) : seededInput(dims, dims.length + 3) });
const i64 = (values: number[]): Tensor => ({ dtype: 'int64', dims: [values.length], data: BigInt64Array.from(values, (v) => BigInt(v)) });
const str = (name: string, v: string) => ({ name, type: 3, s: new TextEncoder().encode(v) });

async function load(bytes: Uint8Array): Promise<Model> {
  const c = await compile(bytes, { verify: true });
  expect(c.summary.valueVariants).toBeUndefined();
  return loadModel({ wasm: c.wasm, weights: c.weights });
}

/** The same model with `pin` compiled as constants (the compile-time kernel) run on the other feeds. */
async function pinnedRun(bytes: Uint8Array, feeds: Feeds, pin: string[]): Promise<Record<string, Tensor>> {
  const c = await compile(bytes, { constantInputs: Object.fromEntries(pin.map((k) => [k, feeds[k]!])) });
  const model = await loadModel({ wasm: c.wasm, weights: c.weights });
  return model.run(Object.fromEntries(Object.entries(feeds).filter(([k]) => !pin.includes(k))));
}

function expectClose(ours: Tensor, ref: Tensor, tol = TOL): void {
  expect(ours.dims).toEqual(ref.dims);
  const a = Array.from(ours.data as Float32Array), b = Array.from(ref.data as Float32Array);
  a.forEach((v, i) => expect(Math.abs(v - b[i]!), `[${i}]: ours ${v}, pinned ${b[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i]!))));
}

/** Resize-19 of x [1, 2, 5, 6] on axes `axes` with a run-time `scales` (sc) or `sizes` (sz) input. */
type Attrs = NonNullable<NodeSpec['attrs']>;
function resizeModel(by: 'scales' | 'sizes', attrs: Attrs, axes = [2, 3], extra: { roi?: boolean } = {}): Uint8Array {
  const inputs: ValueSpec[] = [{ name: 'x', dims: [1, 2, 5, 6] }];
  if (extra.roi) inputs.push({ name: 'roi', dims: [2 * axes.length] });
  inputs.push(by === 'scales' ? { name: 'sc', dims: [axes.length] } : { name: 'sz', dims: [axes.length], elemType: INT64 });
  const resizeInputs = ['x', extra.roi ? 'roi' : '', by === 'scales' ? 'sc' : '', ...(by === 'sizes' ? ['sz'] : [])];
  return buildModel({
    opset: 19,
    inputs,
    outputs: [{ name: 'y', dims: [1, 2, 'h', 'w'] }],
    nodes: [
      { op: 'Resize', inputs: resizeInputs, outputs: ['t'], name: 'op', attrs: [...attrs, intsAttr('axes', axes)] },
      { op: 'Relu', inputs: ['t'], outputs: ['y'] },
    ],
  });
}

const X = f32([1, 2, 5, 6]);

describe('interpolating Resize with run-time scales, sizes and roi', () => {
  it('linear and cubic in the coordinate modes onnxruntime maps like ONNX, up and down, then larger scales (grow and rerun)', async () => {
    for (const mode of ['linear', 'cubic']) {
      for (const coord of ['half_pixel', 'asymmetric', 'half_pixel_symmetric']) {
        const bytes = resizeModel('scales', [str('mode', mode), str('coordinate_transformation_mode', coord)]);
        const model = await load(bytes);
        for (const sc of [[2, 3], [0.6, 0.5], [1.7, 0.8], [1, 1], [9, 11]]) await expectSameAsOrt(model, bytes, { x: X, sc: f32([2], sc) }, TOL);
      }
    }
  });

  it('align_corners and pytorch_half_pixel: onnxruntime where the output width is whole, the compile-time kernel otherwise', async () => {
    for (const mode of ['linear', 'cubic']) {
      for (const coord of ['align_corners', 'pytorch_half_pixel']) {
        const bytes = resizeModel('scales', [str('mode', mode), str('coordinate_transformation_mode', coord)]);
        const model = await load(bytes);
        for (const sc of [[2, 0.5], [0.4, 1.5], [1.7, 0.45], [0.2, 1 / 6]]) {
          const feeds = { x: X, sc: f32([2], sc) };
          const exact = sc.every((v, i) => Number.isInteger(Math.fround(v) * [5, 6][i]!));
          const ours = exact ? await expectSameAsOrt(model, bytes, feeds, TOL) : await model.run(feeds);
          expectClose(ours.y!, (await pinnedRun(bytes, feeds, ['sc'])).y!);
        }
      }
    }
  });

  it('cubic_coeff_a with exclude_outside, and antialias (linear, cubic) when downsampling and upsampling', async () => {
    const exclude = resizeModel('scales', [str('mode', 'cubic'), floatAttr('cubic_coeff_a', -0.5), intAttr('exclude_outside', 1)]);
    let model = await load(exclude);
    for (const sc of [[0.6, 0.5], [2.5, 1.5]]) await expectSameAsOrt(model, exclude, { x: X, sc: f32([2], sc) }, TOL);
    for (const mode of ['linear', 'cubic']) {
      const bytes = resizeModel('scales', [str('mode', mode), intAttr('antialias', 1)]);
      model = await load(bytes);
      for (const sc of [[0.6, 0.5], [0.2, 0.34], [0.4, 2], [3, 2]]) await expectSameAsOrt(model, bytes, { x: X, sc: f32([2], sc) }, TOL);
    }
  });

  it('sizes with keep_aspect_ratio_policy (axes in any order), linear and antialiased cubic', async () => {
    for (const policy of ['stretch', 'not_larger', 'not_smaller']) {
      for (const attrs of [[str('mode', 'linear')], [str('mode', 'cubic'), intAttr('antialias', 1)]]) {
        const bytes = resizeModel('sizes', [...attrs, str('keep_aspect_ratio_policy', policy)], [3, 2]);
        const model = await load(bytes);
        for (const sz of [[12, 10], [3, 2], [2, 9], [40, 30]]) await expectSameAsOrt(model, bytes, { x: X, sz: i64(sz) }, TOL);
      }
    }
  });

  it('tf_crop_and_resize with a run-time roi and sizes: crops inside, extrapolation outside, listed axes', async () => {
    for (const [mode, axes] of [['linear', [2, 3]], ['cubic', [3, 2]], ['nearest', [2, 3]]] as const) {
      const bytes = resizeModel('sizes', [str('mode', mode), str('coordinate_transformation_mode', 'tf_crop_and_resize'), floatAttr('extrapolation_value', 7.5)], [...axes], { roi: true });
      const model = await load(bytes);
      // (No roi maps a position exactly halfway between two inputs: there onnxruntime's float32
      // arithmetic and our f64 may round a nearest tap to different sides.)
      for (const [roi, sz] of [[[0.1, 0.2, 0.9, 0.7], [4, 5]], [[-0.4, 0.33, 1.2, 1.45], [7, 8]], [[0.5, 0, 0.5, 1], [3, 3]], [[0, 0, 1, 1], [5, 6]]]) {
        const feeds = { x: X, roi: f32([4], roi), sz: i64(sz!) };
        // onnxruntime's cubic tf_crop_and_resize differs from the ONNX reference (onnx.reference)
        // for some rois (the first here); the compile-time kernel follows the reference.
        if (mode !== 'cubic' || roi![0] !== 0.1) await expectSameAsOrt(model, bytes, feeds, TOL);
        expectClose((await model.run(feeds)).y!, (await pinnedRun(bytes, feeds, ['roi', 'sz'])).y!);
      }
      // A NaN roi maps nowhere: every element is the extrapolation value, no crash.
      const nan = await model.run({ x: X, roi: f32([4], [NaN, 0, 1, 1]), sz: i64([3, 4]) });
      expect(Array.from(nan.y!.data as Float32Array).filter((_, i) => Math.floor(i / 4) % 3 === 0).every((v) => v === 7.5)).toBe(true);
    }
  });

  it('tf_crop_and_resize with a run-time roi and constant sizes: static output dims, the run-time kernel', async () => {
    const bytes = buildModel({
      opset: 19,
      inputs: [{ name: 'x', dims: [1, 2, 5, 6] }, { name: 'roi', dims: [4] }],
      outputs: [{ name: 'y', dims: [1, 2, 3, 4] }],
      initializers: [{ name: 'sz', dims: [2], dataType: INT64, raw: new Uint8Array(BigInt64Array.from([3n, 4n]).buffer) }],
      nodes: [{ op: 'Resize', inputs: ['x', 'roi', '', 'sz'], outputs: ['y'], name: 'op', attrs: [str('mode', 'linear'), str('coordinate_transformation_mode', 'tf_crop_and_resize'), intsAttr('axes', [2, 3])] }],
    });
    const model = await load(bytes);
    for (const roi of [[0.1, -0.2, 0.9, 0.7], [0, 0, 1, 1]]) expect((await expectSameAsOrt(model, bytes, { x: X, roi: f32([4], roi) }, TOL)).y!.dims).toEqual([1, 2, 3, 4]);
  });

  it('sizes computed from a symbolic input shape (Shape → Mul → Resize, as exporters write interpolate(size=...)), in every mode', async () => {
    for (const mode of ['nearest', 'linear', 'cubic']) {
      const bytes = buildModel({
        opset: 19,
        inputs: [{ name: 'x', dims: ['n', 3, 'h', 'w'] }],
        outputs: [{ name: 'y', dims: ['n', 3, 'H', 'W'] }],
        initializers: [{ name: 'k', dims: [4], dataType: INT64, raw: new Uint8Array(BigInt64Array.from([1n, 1n, 2n, 3n]).buffer) }],
        nodes: [
          { op: 'Shape', inputs: ['x'], outputs: ['s'] },
          { op: 'Mul', inputs: ['s', 'k'], outputs: ['sz'] },
          { op: 'Resize', inputs: ['x', '', '', 'sz'], outputs: ['t'], name: 'op', attrs: [str('mode', mode)] },
          { op: 'Relu', inputs: ['t'], outputs: ['y'] },
        ],
      });
      const model = await load(bytes);
      for (const dims of [[1, 3, 4, 5], [2, 3, 7, 3], [1, 3, 1, 1]]) {
        const out = await expectSameAsOrt(model, bytes, { x: f32(dims) }, TOL);
        expect(out.y!.dims).toEqual([dims[0], 3, 2 * dims[2]!, 3 * dims[3]!]);
      }
    }
  });

  it('opset-10 Resize and Upsample-9 with run-time scales (nearest by floor, ceil when an axis downsamples; linear)', async () => {
    const legacy = (opset: number, op: string, mode: string) => buildModel({
      opset,
      inputs: [{ name: 'x', dims: [1, 2, 5, 6] }, { name: 'sc', dims: [4] }],
      outputs: [{ name: 'y', dims: [1, 2, 'h', 'w'] }],
      nodes: [{ op, inputs: ['x', 'sc'], outputs: ['y'], name: 'op', attrs: [str('mode', mode)] }],
    });
    for (const [opset, op, mode] of [[9, 'Upsample', 'nearest'], [10, 'Resize', 'nearest'], [10, 'Resize', 'linear']] as const) {
      const bytes = legacy(opset, op, mode);
      const model = await load(bytes);
      // onnxruntime refuses scales below 1 for Upsample.
      const all = [[1, 1, 2, 3], [1, 1, 1.5, 1], [1, 1, 4, 2.5], [1, 1, 0.6, 0.5], [1, 1, 0.4, 1]];
      for (const sc of op === 'Upsample' ? all.slice(0, 3) : all) await expectSameAsOrt(model, bytes, { x: X, sc: f32([4], sc) }, TOL);
    }
  });

  it('hostile values: non-positive or NaN scales, negative sizes, sizes past memory are typed errors naming the node; the model runs on after', async () => {
    const scales = resizeModel('scales', [str('mode', 'cubic'), intAttr('antialias', 1)]);
    let model = await load(scales);
    for (const sc of [[-1, 2], [NaN, 1], [0, 2]]) {
      await expect(model.run({ x: X, sc: f32([2], sc) })).rejects.toMatchObject({ code: expect.stringMatching(/^(SHAPE_MISMATCH|SHAPE_OUT_OF_BOUNDS)$/), message: expect.stringMatching(/Resize node 'op'/) });
    }
    await expect(model.run({ x: X, sc: f32([2], [Infinity, 1]) })).rejects.toMatchObject({ message: expect.stringMatching(/Resize node 'op'/) });
    await expect(model.run({ x: X, sc: f32([2], [3e8, 3e8]) })).rejects.toMatchObject({ code: expect.stringMatching(/^(OUT_OF_MEMORY|SHAPE_OUT_OF_BOUNDS)$/), message: expect.stringMatching(/Resize node 'op'/) });
    await expectSameAsOrt(model, scales, { x: X, sc: f32([2], [0.5, 0.5]) }, TOL);

    const sizes = resizeModel('sizes', [str('mode', 'linear')]);
    model = await load(sizes);
    await expect(model.run({ x: X, sz: i64([-3, 4]) })).rejects.toMatchObject({ code: expect.stringMatching(/^(SHAPE_MISMATCH|SHAPE_OUT_OF_BOUNDS)$/), message: expect.stringMatching(/Resize node 'op'/) });
    await expect(model.run({ x: X, sz: i64([2 ** 29, 2 ** 29]) })).rejects.toMatchObject({ code: 'OUT_OF_MEMORY', message: expect.stringMatching(/Resize node 'op'/) });
    await expectSameAsOrt(model, sizes, { x: X, sz: i64([7, 3]) }, TOL);
  });

  it('random modes, coordinate modes, axes, scales or sizes and roi: the run-time kernel matches the IR reference (evaluate)', async () => {
    const next = seededRandom(15);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
    const coords = ['half_pixel', 'half_pixel_symmetric', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_crop_and_resize'];
    for (let c = 0; c < 24; c++) {
      const mode = pick(['nearest', 'linear', 'cubic']), coord = pick(coords);
      const axes = pick([[2, 3], [3], [1, 3], [3, 2], [0, 1, 2, 3]]), by = pick(['scales', 'sizes'] as const);
      const attrs: Attrs = [str('mode', mode), str('coordinate_transformation_mode', coord), str('nearest_mode', pick(['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil']))];
      if (mode !== 'nearest' && next() < 0.5) attrs.push(intAttr('antialias', 1));
      if (mode === 'cubic' && next() < 0.5) attrs.push(intAttr('exclude_outside', 1), floatAttr('cubic_coeff_a', -0.5));
      if (by === 'sizes') attrs.push(str('keep_aspect_ratio_policy', pick(['stretch', 'not_larger', 'not_smaller'])));
      const crop = coord === 'tf_crop_and_resize';
      const bytes = resizeModel(by, attrs, axes, { roi: crop });
      const model = await load(bytes);
      const dims = [1, 2, 5, 6];
      const values = axes.map((a) => (by === 'scales' ? Math.round((0.15 + next() * 2.5) * 8) / 8 : Math.max(1, Math.round(dims[a]! * (0.2 + next() * 2)))));
      const roi = [...axes.map(() => next() * 0.6 - 0.2), ...axes.map(() => 0.5 + next() * 0.7)];
      const feeds: Feeds = { x: X, ...(by === 'scales' ? { sc: f32([axes.length], values) } : { sz: i64(values) }), ...(crop ? { roi: f32([roi.length], roi) } : {}) };
      const ours = (await model.run(feeds)).y!;
      // The reference: the IR node the importer wrote, evaluated on the same values (then Relu).
      const node = importModel(bytes).graph.nodes.find((n) => n.op === 'Resize')!;
      const t = (name: string) => (feeds[name] ? makeTensor(feeds[name]!.dtype as 'float32', feeds[name]!.dims, feeds[name]!.data as Float32Array) : undefined);
      const [ref] = getOp('Resize')!.evaluate!(node, [t('x'), t('sc'), t('sz'), t('roi')]);
      const relu = { dtype: 'float32' as const, dims: ref!.dims, data: Float32Array.from(ref!.data as Float32Array, (v) => Math.max(0, v)) };
      expectClose(ours, relu, 1e-5);
    }
  });
});
