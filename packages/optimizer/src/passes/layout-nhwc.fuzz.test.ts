// Random small conv networks (convs, depthwise convs, pools, activations, residual adds, per-channel
// scales, concats, channel shuffles and splits, spatial means) through the full pipeline with the
// layout forced to NHWC and left to choose: the optimized graph must evaluate, with the reference
// ops, to the original's numbers.
import { describe, expect, it } from 'vitest';
import { Graph, Tensor, functionNode, getOp, inferNode, makeTensor, seededRandom, verifyGraph } from '@onnx2wasm/ir';
import { optimize } from '../pipeline.js';

function evaluate(g: Graph, feeds: Tensor[]): Tensor[] {
  const env = new Map<string, Tensor>(g.constants);
  g.inputs.forEach((n, i) => env.set(n, feeds[i]!));
  for (const n of g.nodes) getOp(n.op)!.evaluate(n, n.inputs.map((i) => (i ? env.get(i) : undefined))).forEach((t, k) => env.set(n.outputs[k]!, t));
  return g.outputs.map((o) => env.get(o)!);
}

function randomNet(seed: number): Graph {
  const r = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const [C0, H0, W0] = [int(1, 5), int(5, 9), int(5, 9)];
  const g: Graph = { name: `net${seed}`, inputs: ['x'], outputs: [], nodes: [], types: new Map([['x', { dtype: 'float32', shape: [1, C0, H0, W0] }]]), constants: new Map() };
  let k = 0;
  const shape = (v: string) => g.types.get(v)!.shape as number[];
  const node = (op: string, inputs: string[], attrs: Record<string, unknown> = {}): string => {
    const n = functionNode(`n${k}`, op, inputs, [`v${k++}`], attrs as Graph['nodes'][number]['attrs']);
    inferNode(g, n);
    g.nodes.push(n);
    return n.outputs[0]!;
  };
  const konst = (dtype: 'float32' | 'int64', dims: number[], values?: number[]): string => {
    const name = `c${k++}`;
    const n = dims.reduce((a, b) => a * b, 1);
    g.constants.set(name, makeTensor(dtype, dims, values ?? Array.from({ length: n }, () => r() - 0.5)));
    g.types.set(name, { dtype, shape: dims });
    return name;
  };
  const values = ['x'];
  const steps = int(3, 9);
  for (let s = 0; s < steps; s++) {
    const x = pick(values.slice(-3));
    const [, C, H, W] = shape(x) as [number, number, number, number];
    const kind = pick(['conv', 'conv', 'pointwise', 'depthwise', 'pool', 'act', 'add', 'scale', 'concat', 'shuffle', 'split']);
    let y: string | undefined;
    if (kind === 'conv' && H >= 3 && W >= 3) {
      const M = int(1, 8), stride = pick([1, 2]), pad = pick([0, 1]);
      const inputs = [x, konst('float32', [M, C, 3, 3]), ...(r() < 0.5 ? [konst('float32', [M])] : [])];
      y = node('Conv', inputs, { kernel_shape: [3, 3], strides: [stride, stride], pads: [pad, pad, pad, pad], dilations: [1, 1], group: 1, ...(r() < 0.5 ? { activation: 'relu' } : {}) });
    } else if (kind === 'pointwise') {
      const M = int(1, 8);
      y = node('Conv', [x, konst('float32', [M, C, 1, 1]), konst('float32', [M])], { kernel_shape: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], group: 1 });
    } else if (kind === 'depthwise' && C > 1) {
      y = node('Conv', [x, konst('float32', [C, 1, 3, 3])], { group: C, kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [pick([1, 2]), 1], dilations: [1, 1] });
    } else if (kind === 'pool' && H >= 2 && W >= 2) {
      const op = pick(['MaxPool', 'AveragePool']);
      const pool = { kernel_shape: [2, 2], strides: [pick([1, 2]), pick([1, 2])], pads: [0, 0, pick([0, 1]), 0], dilations: [1, 1], ceil_mode: 0 };
      y = node(op, [x], op === 'AveragePool' ? { ...pool, count_include_pad: 0 } : pool);
    } else if (kind === 'act') {
      y = node(pick(['Relu', 'Sigmoid', 'Neg']), [x]);
    } else if (kind === 'add') {
      const other = values.find((v) => v !== x && shape(v).join() === shape(x).join());
      if (other) y = node('Add', [x, other]);
    } else if (kind === 'scale') {
      y = node(pick(['Mul', 'Add']), [x, konst('float32', pick([[C, 1, 1], [1, C, 1, 1], [1], [W]]))]);
    } else if (kind === 'concat') {
      const other = values.find((v) => v !== x && shape(v)[2] === H && shape(v)[3] === W);
      if (other) y = node('Concat', [x, other], { axis: pick([1, -3]) });
    } else if (kind === 'shuffle' && C % 2 === 0) {
      const split = node('Reshape', [x, konst('int64', [5], [1, 2, C / 2, H, W])], { allowzero: 0 });
      const t = node('Transpose', [split], { perm: [0, 2, 1, 3, 4] });
      y = node('Reshape', [t, konst('int64', [4], [1, C, H, W])], { allowzero: 0 });
    } else if (kind === 'split' && C > 1) {
      const half = Math.floor(C / 2);
      y = node('Slice', [x, konst('int64', [1], [half]), konst('int64', [1], [C]), konst('int64', [1], [1])]);
    }
    if (y) values.push(y);
  }
  const last = values[values.length - 1]!;
  const tail = pick(['none', 'gap', 'mean', 'meankeep']);
  const out = tail === 'gap' ? node('GlobalAveragePool', [last])
    : tail === 'mean' ? node('ReduceMean', [last], { axes: [2, 3], keepdims: 0 })
    : tail === 'meankeep' ? node('ReduceMean', [last], { axes: [1, 3], keepdims: 1 })
    : last;
  g.outputs = [out === 'x' ? node('Relu', ['x']) : out];
  return g;
}

describe('layout-nhwc on random conv networks', () => {
  const converted = { nhwc: 0, auto: 0 };
  for (let seed = 1; seed <= 120; seed++) {
    it(`net ${seed}`, () => {
      const g = randomNet(seed);
      const [C, H, W] = (g.types.get('x')!.shape as number[]).slice(1);
      const x = makeTensor('float32', [1, C!, H!, W!], Array.from({ length: C! * H! * W! }, (_, i) => Math.sin(i * 0.7)));
      const want = evaluate(g, [x])[0]!;
      for (const layout of ['nhwc', 'auto'] as const) {
        const opt = optimize(g, { layout, verify: true }).graph;
        verifyGraph(opt, 'test');
        if (opt.nodes.some((n) => n.op.startsWith('Nhwc'))) converted[layout]++;
        const got = evaluate(opt, [x])[0]!;
        expect(got.dims).toEqual(want.dims);
        want.data.forEach((v, i) => expect(Math.abs(Number(got.data[i]) - Number(v)), `${layout} element ${i}`).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(Number(v)))));
      }
    });
  }
  it('converted most of them when forced, and some by choice', () => {
    expect(converted.nhwc).toBeGreaterThanOrEqual(60);
    expect(converted.auto).toBeGreaterThanOrEqual(8);
  });
});
