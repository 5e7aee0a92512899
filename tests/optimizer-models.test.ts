// The optimizer on the real models: what must be gone after the full pipeline, the memory plan's
// distance from its lower bound, and correctness with the optimizer switched off.
import { describe, expect, it } from 'vitest';
import { compile, inspect } from 'onnx2wasm';
import { loadModel } from '@onnx2wasm/runtime';
import { maxDiff, runOrt, seededInput, sharedModels } from './support/models.js';

const models = sharedModels();
const byName = (n: string) => models.find((m) => m.name === n)!;
// One default-options inspect per model, shared by the tests below (each one compiles the model).
const inspected = new Map<string, ReturnType<typeof inspect>>();
const inspectOf = (name: string) => {
  const m = byName(name);
  if (!inspected.has(name)) inspected.set(name, inspect(m.file, { inputShapes: { input: m.inputShape } }));
  return inspected.get(name)!;
};
const opsOf = async (name: string) => (await inspectOf(name)).nodes.map((n) => n.op);

describe('optimized graphs of the shared models', () => {
  it('mobilenet_v2_bn: BatchNormalization, Identity, Clip and Add are all folded or fused into convs', async () => {
    const ops = await opsOf('mobilenet_v2_bn');
    for (const op of ['BatchNormalization', 'Identity', 'Clip', 'Add']) expect(ops, op).not.toContain(op);
  });
  it('transformer_enc: fused attention and layer-norm nodes', async () => {
    const ops = await opsOf('transformer_enc');
    expect(ops.filter((o) => o === 'Attention')).toHaveLength(4);
    expect(ops.filter((o) => o === 'LayerNormalization')).toHaveLength(8);
    expect(ops).not.toContain('Softmax');
  });
  it('resnet18: no standalone Relu or Add', async () => {
    const ops = await opsOf('resnet18');
    expect(ops).not.toContain('Relu');
    expect(ops).not.toContain('Add');
  });
  for (const m of models) {
    it(`${m.name}: arena within 1.25 x the lower bound`, async () => {
      const r = await inspectOf(m.name);
      expect(r.memory.arenaBytes).toBeLessThanOrEqual(1.25 * r.memory.lowerBoundBytes);
    });
  }
});

describe('shared models match onnxruntime-node with the optimizer off (--no-opt)', () => {
  for (const m of models) {
    it(m.name, async () => {
      const c = await compile(m.file, { inputShapes: { input: m.inputShape }, optimize: false });
      const model = await loadModel({ wasm: c.wasm, weights: c.weights });
      const data = seededInput(m.inputShape, 11);
      const ours = (await model.run({ input: { dtype: 'float32', dims: m.inputShape, data } })).output!;
      const ref = (await runOrt(m.file, { input: { dims: m.inputShape, data } })).output!;
      const { maxAbsDiff, maxAbsRef } = maxDiff(ours.data as Float32Array, ref.data);
      expect(maxAbsDiff).toBeLessThanOrEqual(1e-4 * maxAbsRef);
    });
  }
});

describe('data layout of the conv models', () => {
  // What `--layout auto` picks, and why (npm run bench:layout measures both): NHWC where every
  // transpose cancels down to the input, which all of them now do (the Winograd 3x3 convs of
  // resnet18 and squeezenet have a channels-last kernel as fast as the NCHW one).
  const picks: Record<string, 'NHWC' | 'NCHW'> = {
    mobilenet_v2: 'NHWC', mobilenet_v2_bn: 'NHWC', shufflenet_v2_x1_0: 'NHWC', resnet18: 'NHWC', squeezenet1_1: 'NHWC',
  };
  for (const [name, layout] of Object.entries(picks)) {
    it(`${name}: auto picks ${layout}${layout === 'NHWC' ? ', with transposes only at the input and the shuffles' : ''}`, async () => {
      const m = byName(name);
      const ops = await opsOf(name);
      expect(ops.some((o) => o.startsWith('Nhwc'))).toBe(layout === 'NHWC');
      if (layout === 'NHWC') {
        expect(ops).not.toContain('Conv');
        // The input's transpose, plus one per channel shuffle (the shuffle's own data movement, also in NCHW).
        const shuffles = (await inspect(m.file, { inputShapes: { input: m.inputShape }, layout: 'nchw' })).nodes.filter((n) => n.op === 'Transpose').length;
        expect(ops.filter((o) => o === 'Transpose')).toHaveLength(1 + shuffles);
      }
    });
  }
  // Every conv model in both forced layouts against onnxruntime-node: the NHWC kernels (im2col GEMM,
  // depthwise, pools) on real shapes, and the NCHW ones where auto would pick NHWC.
  for (const [name, layout] of Object.entries(picks)) {
    const forced = layout === 'NHWC' ? 'nchw' : 'nhwc';
    it(`${name} with --layout ${forced} matches onnxruntime-node`, async () => {
      const m = byName(name);
      const c = await compile(m.file, { inputShapes: { input: m.inputShape }, layout: forced });
      expect(c.graph.nodes.some((n) => n.op.startsWith('Nhwc'))).toBe(forced === 'nhwc');
      const model = await loadModel({ wasm: c.wasm, weights: c.weights });
      const data = seededInput(m.inputShape, 12);
      const ours = (await model.run({ input: { dtype: 'float32', dims: m.inputShape, data } })).output!;
      const ref = (await runOrt(m.file, { input: { dims: m.inputShape, data } })).output!;
      const { maxAbsDiff, maxAbsRef } = maxDiff(ours.data as Float32Array, ref.data);
      expect(maxAbsDiff).toBeLessThanOrEqual(1e-4 * maxAbsRef);
    });
  }
});
