import { describe, expect, it } from 'vitest';
import { Attrs } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

const SHAPE_PAIRS: [number[], number[]][] = [
  [[7], [7]],
  [[1], [17]],
  [[3, 1, 5], [1, 4, 1]],
  [[2, 3, 7, 5], [1, 3, 1, 1]],
  [[17, 3], [3]],
  [[1, 1], [1]],
  [[4, 4], []],
];

describe('elementwise kernels vs reference', () => {
  for (const op of ['Add', 'Sub', 'Mul', 'Div']) {
    for (const [a, b] of SHAPE_PAIRS) {
      it(`${op} [${a}] x [${b}]`, async () => {
        const r = rng(a.length * 31 + b.length);
        const x = randomTensor('float32', a, r), y = randomTensor('float32', b, r, 0.5, 2);
        const { actual, expected } = await runKernel(op, [{ tensor: x }, { tensor: y }]);
        const c = compareTensors(actual[0]!, expected[0]!);
        expect(c.ok, c.message).toBe(true);
      });
    }
  }
  it('broadcast with a constant operand', async () => {
    const r = rng(5);
    const { actual, expected } = await runKernel('Add', [{ tensor: randomTensor('float32', [3, 17], r) }, { tensor: randomTensor('float32', [17], r), constant: true }]);
    expect(compareTensors(actual[0]!, expected[0]!).ok).toBe(true);
  });
  // Every node carries its parameters (the importer writes ONNX's defaults; these are they).
  const params: Record<string, Attrs> = { LeakyRelu: { alpha: 0.01 }, HardSigmoid: { alpha: 0.2, beta: 0.5 } };
  for (const op of ['Relu', 'Sigmoid', 'Tanh', 'Exp', 'Sqrt', 'Erf', 'Neg', 'Abs', 'LeakyRelu', 'HardSigmoid', 'Reciprocal', 'Floor', 'Ceil']) {
    for (const dims of [[1], [3], [7, 17], [2, 3, 5]]) {
      it(`${op} [${dims}]`, async () => {
        const r = rng(dims.length + op.length);
        const lo = op === 'Sqrt' || op === 'Reciprocal' ? 0.1 : -6;
        const x = randomTensor('float32', dims, r, lo, 6);
        const { actual, expected } = await runKernel(op, [{ tensor: x }], params[op]);
        const c = compareTensors(actual[0]!, expected[0]!, 2e-6, 2e-7);
        expect(c.ok, c.message).toBe(true);
      });
    }
  }
  it('Clip with constant min/max', async () => {
    const r = rng(9);
    const { actual, expected } = await runKernel('Clip', [
      { tensor: randomTensor('float32', [3, 7], r, -10, 10) },
      { tensor: { dtype: 'float32', dims: [], data: new Float32Array([0]) }, constant: true },
      { tensor: { dtype: 'float32', dims: [], data: new Float32Array([6]) }, constant: true },
    ]);
    expect(compareTensors(actual[0]!, expected[0]!).ok).toBe(true);
  });
  for (const p of [2, 3, 0.5]) {
    it(`Pow with exponent ${p}`, async () => {
      const r = rng(p * 10);
      const { actual, expected } = await runKernel('Pow', [
        { tensor: randomTensor('float32', [5, 3], r, 0.1, 3) },
        { tensor: { dtype: 'float32', dims: [], data: new Float32Array([p]) }, constant: true },
      ]);
      const c = compareTensors(actual[0]!, expected[0]!);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
