// Random ONNX conv networks (convs with strides and pads, depthwise convs, 1x1 convs, pools,
// activations, residual adds, per-channel scales, concats, channel shuffles and splits, global and
// mean pooling, squeeze-and-excitation gates, SiLU, Pads, Resizes, standalone BatchNormalization) compiled with the layout forced to NHWC and left to choose, each against
// onnxruntime-node: the channels-last kernels and the transpose sinking on shapes no shared model has.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { CompileError, compile } from 'onnx2wasm';
import { loadModel } from '@onnx2wasm/runtime';
import { opLabel, seededRandom } from '@onnx2wasm/ir';
import { InitSpec, NodeSpec, buildModel, intAttr } from './support/onnx-builder.js';
import { maxDiff, seededInput } from './support/models.js';

const ints = (name: string, v: number[]) => ({ name, type: 7, ints: v });
const INT64 = 7;

function randomNet(seed: number): { bytes: Uint8Array; input: number[]; output: number[] } {
  const r = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const input = [1, int(1, 6), int(6, 17), int(6, 17)];
  const shapes = new Map<string, number[]>([['x', input]]);
  const nodes: NodeSpec[] = [];
  const inits: InitSpec[] = [];
  let k = 0;
  const weights = (dims: number[]) => {
    const name = `w${k++}`;
    inits.push({ name, dims, values: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => r() - 0.5) });
    return name;
  };
  const int64 = (v: number[]) => {
    const name = `i${k++}`;
    inits.push({ name, dims: [v.length], dataType: INT64, raw: new Uint8Array(BigInt64Array.from(v.map(BigInt)).buffer) });
    return name;
  };
  const node = (op: string, inputs: string[], shape: number[], attrs: NodeSpec['attrs'] = []) => {
    const out = `v${k++}`;
    nodes.push({ op, inputs, outputs: [out], attrs });
    shapes.set(out, shape);
    return out;
  };
  const spatial = (size: number, kSize: number, s: number, p0: number, p1: number) => Math.floor((size + p0 + p1 - kSize) / s) + 1;
  const values = ['x'];
  for (let step = int(4, 10); step > 0; step--) {
    const x = pick(values.slice(-3));
    const [, C, H, W] = shapes.get(x)!;
    const kind = pick(['conv', 'conv', 'pointwise', 'pointwise', 'depthwise', 'pool', 'act', 'add', 'scale', 'concat', 'shuffle', 'split', 'se', 'silu', 'pad', 'upsample', 'bn']);
    let y: string | undefined;
    if (kind === 'conv' && H! >= 3 && W! >= 3) {
      const M = int(1, 20), s = pick([1, 2]), p = pick([0, 1]), kk = pick([1, 3]);
      y = node('Conv', [x, weights([M, C!, kk, kk]), ...(r() < 0.6 ? [weights([M])] : [])], [1, M, spatial(H!, kk, s, p, p), spatial(W!, kk, s, p, p)],
        [ints('kernel_shape', [kk, kk]), ints('strides', [s, s]), ints('pads', [p, p, p, p])]);
      if (r() < 0.5) y = node(pick(['Relu', 'Sigmoid']), [y], shapes.get(y)!);
    } else if (kind === 'pointwise') {
      const M = int(1, 24);
      y = node('Conv', [x, weights([M, C!, 1, 1]), weights([M])], [1, M, H!, W!], [ints('kernel_shape', [1, 1])]);
    } else if (kind === 'depthwise' && C! > 1) {
      const s = pick([1, 2]);
      y = node('Conv', [x, weights([C!, 1, 3, 3]), weights([C!])], [1, C!, spatial(H!, 3, s, 1, 1), spatial(W!, 3, s, 1, 1)],
        [intAttr('group', C!), ints('kernel_shape', [3, 3]), ints('strides', [s, s]), ints('pads', [1, 1, 1, 1])]);
    } else if (kind === 'pool' && H! >= 3 && W! >= 3) {
      const s = pick([1, 2]), p = pick([0, 1]);
      y = node(pick(['MaxPool', 'AveragePool']), [x], [1, C!, spatial(H!, 3, s, p, p), spatial(W!, 3, s, p, p)],
        [ints('kernel_shape', [3, 3]), ints('strides', [s, s]), ints('pads', [p, p, p, p])]);
    } else if (kind === 'act') {
      y = node(pick(['Relu', 'Sigmoid', 'LeakyRelu']), [x], [1, C!, H!, W!]);
    } else if (kind === 'add') {
      const other = values.find((v) => v !== x && shapes.get(v)!.join() === shapes.get(x)!.join());
      if (other) y = node('Add', [x, other], [1, C!, H!, W!]);
    } else if (kind === 'scale') {
      y = node(pick(['Mul', 'Add']), [x, weights(pick([[C!, 1, 1], [1, C!, 1, 1], [1]]))], [1, C!, H!, W!]);
    } else if (kind === 'concat') {
      const other = values.find((v) => v !== x && shapes.get(v)![2] === H && shapes.get(v)![3] === W);
      if (other) y = node('Concat', [x, other], [1, C! + shapes.get(other)![1]!, H!, W!], [intAttr('axis', 1)]);
    } else if (kind === 'shuffle' && C! % 2 === 0) {
      const a = node('Reshape', [x, int64([1, 2, C! / 2, H!, W!])], [1, 2, C! / 2, H!, W!]);
      const t = node('Transpose', [a], [1, C! / 2, 2, H!, W!], [ints('perm', [0, 2, 1, 3, 4])]);
      y = node('Reshape', [t, int64([1, C!, H!, W!])], [1, C!, H!, W!]);
    } else if (kind === 'se') {
      // Squeeze-and-excitation: a per-channel gate from the global average.
      const r0 = Math.max(1, C! >> 2);
      const pooled = node('GlobalAveragePool', [x], [1, C!, 1, 1]);
      const squeezed = node('Relu', [node('Conv', [pooled, weights([r0, C!, 1, 1]), weights([r0])], [1, r0, 1, 1], [ints('kernel_shape', [1, 1])])], [1, r0, 1, 1]);
      const gate = node('Sigmoid', [node('Conv', [squeezed, weights([C!, r0, 1, 1]), weights([C!])], [1, C!, 1, 1], [ints('kernel_shape', [1, 1])])], [1, C!, 1, 1]);
      y = node('Mul', [x, gate], [1, C!, H!, W!]);
    } else if (kind === 'silu') {
      y = node('Mul', [x, node('Sigmoid', [x], [1, C!, H!, W!])], [1, C!, H!, W!]);
    } else if (kind === 'pad') {
      const [t, l, b, rr] = [int(0, 2), int(0, 2), int(0, 2), int(0, 2)];
      const mode = pick(['constant', 'reflect', 'edge']);
      if (mode !== 'reflect' || Math.max(t, b) < H! && Math.max(l, rr) < W!) {
        y = node('Pad', [x, int64([0, 0, t, l, 0, 0, b, rr])], [1, C!, H! + t + b, W! + l + rr], [{ name: 'mode', type: 3, s: new TextEncoder().encode(mode) }]);
      }
    } else if (kind === 'upsample' && H! <= 12) {
      const mode = pick(['nearest', 'linear']);
      const scales = `s${k++}`;
      inits.push({ name: scales, dims: [4], values: Float32Array.from([1, 1, 2, 2]) });
      y = node('Resize', [x, '', scales], [1, C!, 2 * H!, 2 * W!], [{ name: 'mode', type: 3, s: new TextEncoder().encode(mode) }]);
    } else if (kind === 'bn') {
      const variance = `var${k++}`;
      inits.push({ name: variance, dims: [C!], values: Float32Array.from({ length: C! }, () => 0.5 + r()) });
      y = node('BatchNormalization', [x, weights([C!]), weights([C!]), weights([C!]), variance], [1, C!, H!, W!]);
    } else if (kind === 'split' && C! > 1) {
      const half = Math.floor(C! / 2);
      y = node('Slice', [x, int64([half]), int64([C!]), int64([1])], [1, C! - half, H!, W!]);
    }
    if (y) values.push(y);
  }
  let out = values[values.length - 1]!;
  const C = shapes.get(out)![1]!;
  const tail = pick(['none', 'gap', 'mean']);
  if (tail === 'gap') out = node('GlobalAveragePool', [out], [1, C, 1, 1]);
  if (tail === 'mean') out = node('ReduceMean', [out], [1, C], [ints('axes', [2, 3]), intAttr('keepdims', 0)]);
  if (out === 'x') out = node('Relu', ['x'], input);
  nodes[nodes.length - 1]!.outputs = ['y'];
  const output = shapes.get(out)!;
  return { bytes: buildModel({ inputs: [{ name: 'x', dims: input }], outputs: [{ name: 'y', dims: output }], nodes, initializers: inits }), input, output };
}

describe('random conv networks in both layouts match onnxruntime-node', () => {
  const channelsLast = { nhwc: 0, auto: 0 };
  for (let seed = 1; seed <= 24; seed++) {
    it(`net ${seed}`, async () => {
      const net = randomNet(seed);
      const data = seededInput(net.input, seed);
      const session = await ort.InferenceSession.create(net.bytes, { intraOpNumThreads: 1 });
      const ref = (await session.run({ x: new ort.Tensor('float32', data, net.input) })).y!.data as Float32Array;
      await session.release();
      for (const layout of ['nhwc', 'auto'] as const) {
        const c = await compile(net.bytes, { layout });
        if (c.graph.nodes.some((n) => n.op.startsWith('Nhwc'))) channelsLast[layout]++;
        const model = await loadModel({ wasm: c.wasm, weights: c.weights });
        const ours = (await model.run({ x: { dtype: 'float32', dims: net.input, data } })).y!;
        expect(ours.dims).toEqual(net.output);
        const { maxAbsDiff, maxAbsRef } = maxDiff(ours.data as Float32Array, ref);
        expect(maxAbsDiff, `${layout}: max diff ${maxAbsDiff} vs max |ref| ${maxAbsRef}`).toBeLessThanOrEqual(1e-4 * Math.max(1, maxAbsRef));
      }
    }, 60_000);
  }
  it('most ran channels-last when forced, and some by choice', () => {
    expect(channelsLast.nhwc).toBeGreaterThanOrEqual(18);
    expect(channelsLast.auto).toBeGreaterThanOrEqual(2);
  });
});

describe('an EfficientNet-style network (depthwise convs, squeeze-and-excitation gates, SiLU)', () => {
  // Built like the MobileNetV3 / EfficientNet blocks: the gate's GlobalAveragePool → 1x1 convs →
  // Sigmoid → Mul must stay channels-last too, so auto picks NHWC with one transpose at the input.
  function efficientNet(): Uint8Array {
    const r = seededRandom(99);
    const nodes: NodeSpec[] = [];
    const inits: InitSpec[] = [];
    let k = 0;
    const w = (dims: number[]) => {
      const name = `w${k++}`;
      inits.push({ name, dims, values: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => (r() - 0.5) * 0.5) });
      return name;
    };
    const op = (type: string, inputs: string[], attrs: NodeSpec['attrs'] = []) => {
      const out = `v${k++}`;
      nodes.push({ op: type, inputs, outputs: [out], attrs });
      return out;
    };
    const silu = (x: string) => op('Mul', [x, op('Sigmoid', [x])]);
    const conv = (x: string, m: number, c: number, kk: number, s = 1, group = 1) => op('Conv', [x, w([m, c / group, kk, kk]), w([m])],
      [ints('kernel_shape', [kk, kk]), ints('strides', [s, s]), ints('pads', Array(4).fill(kk >> 1)), intAttr('group', group)]);
    let x = silu(conv('x', 32, 3, 3, 2));
    let c = 32;
    for (const [m, s] of [[32, 1], [48, 2], [48, 1]] as const) {
      const d = silu(conv(x, c, c, 3, s, c));
      const gate = op('Sigmoid', [conv(silu(conv(op('GlobalAveragePool', [d]), 8, c, 1)), c, 8, 1)]);
      const p = conv(op('Mul', [d, gate]), m, c, 1);
      x = m === c && s === 1 ? op('Add', [p, x]) : p;
      c = m;
    }
    const pooled = op('GlobalAveragePool', [x]);
    nodes.push({ op: 'Flatten', inputs: [pooled], outputs: ['y'], attrs: [intAttr('axis', 1)] });
    return buildModel({ inputs: [{ name: 'x', dims: [1, 3, 64, 64] }], outputs: [{ name: 'y', dims: [1, c] }], nodes, initializers: inits });
  }

  it('runs channels-last under auto and matches onnxruntime-node', async () => {
    const bytes = efficientNet();
    const c = await compile(bytes);
    const ops = c.graph.nodes.map((n) => opLabel(n));
    expect(ops).not.toContain('Conv');
    expect(ops.filter((o) => o === 'Transpose')).toHaveLength(1);
    const data = seededInput([1, 3, 64, 64], 5);
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
    const ref = (await session.run({ x: new ort.Tensor('float32', data, [1, 3, 64, 64]) })).y!.data as Float32Array;
    await session.release();
    const model = await loadModel({ wasm: c.wasm, weights: c.weights });
    const ours = (await model.run({ x: { dtype: 'float32', dims: [1, 3, 64, 64], data } })).y!;
    const { maxAbsDiff, maxAbsRef } = maxDiff(ours.data as Float32Array, ref);
    expect(maxAbsDiff).toBeLessThanOrEqual(1e-4 * Math.max(1, maxAbsRef));
  });
});

it('compile() rejects an unknown layout with INVALID_OPTION', async () => {
  const net = randomNet(1);
  await expect(compile(net.bytes, { layout: 'nchwc' as never })).rejects.toSatisfy((e) => e instanceof CompileError && e.code === 'INVALID_OPTION' && /layout must be one of auto, nchw, nhwc/.test((e as Error).message));
});
