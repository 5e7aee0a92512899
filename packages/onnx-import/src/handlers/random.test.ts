// Random ops import to nondeterministic RandomUniform nodes (and expansions of them) whose
// reference draws have the distribution's shape, dtype and range.
import { describe, expect, it } from 'vitest';
import { Tensor, getOp, makeTensor, toNumbers } from '@onnx2wasm/ir';
import { onnx } from '../proto.js';
import { importModel } from '../import-model.js';

const T = onnx.AttributeProto.AttributeType;
function model(op: string, attrs: Record<string, number | number[]>, withInput: boolean): Uint8Array {
  const attribute = Object.entries(attrs).map(([k, v]) => (Array.isArray(v) ? { name: k, type: T.INTS, ints: v } : Number.isInteger(v) && k !== 'seed' ? { name: k, type: T.INT, i: v } : { name: k, type: T.FLOAT, f: v }));
  return onnx.ModelProto.encode(onnx.ModelProto.create({
    irVersion: 8, opsetImport: [{ domain: '', version: 22 }],
    graph: {
      name: 'g', output: [{ name: 'y' }],
      input: withInput ? [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 200 }, { dimValue: 50 }] } } } }] : [],
      node: [{ opType: op, name: 'r', input: withInput ? ['x'] : [], output: ['y'], attribute }],
    },
  })).finish();
}

function run(bytes: Uint8Array, feeds: Record<string, Tensor> = {}): Tensor {
  const { graph: g } = importModel(bytes);
  expect(g.nodes.some((n) => n.op === 'RandomUniform' && n.attrs.nondeterministic === true)).toBe(true);
  const values = new Map<string, Tensor>([...g.constants, ...Object.entries(feeds)]);
  for (const n of g.nodes) getOp(n.op)!.evaluate(n, n.inputs.map((i) => (i ? values.get(i) : undefined))).forEach((t, k) => values.set(n.outputs[k]!, t));
  return values.get(g.outputs[0]!)!;
}

const stats = (v: number[]) => {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return { mean, std: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length) };
};

describe('random op handlers', () => {
  it('RandomNormal draws with the given mean and scale', () => {
    const y = run(model('RandomNormal', { shape: [100, 100], mean: 3, scale: 2, seed: 5 }, false));
    expect(y.dims).toEqual([100, 100]);
    const { mean, std } = stats(toNumbers(y));
    expect(Math.abs(mean - 3)).toBeLessThan(0.1);
    expect(Math.abs(std - 2)).toBeLessThan(0.1);
  });
  it('RandomUniformLike takes the input shape and the [low, high) range', () => {
    const y = run(model('RandomUniformLike', { low: 2, high: 3 }, true), { x: makeTensor('float32', [200, 50]) });
    expect(y.dims).toEqual([200, 50]);
    expect(toNumbers(y).every((v) => v >= 2 && v < 3)).toBe(true);
  });
  it('Bernoulli gives zeros and ones with the probability of its input', () => {
    const y = run(model('Bernoulli', { seed: 1 }, true), { x: makeTensor('float32', [200, 50], new Array(10000).fill(0.25)) });
    expect(y.dtype).toBe('float32');
    const v = toNumbers(y);
    expect(v.every((b) => b === 0 || b === 1)).toBe(true);
    expect(Math.abs(stats(v).mean - 0.25)).toBeLessThan(0.03);
  });
});
