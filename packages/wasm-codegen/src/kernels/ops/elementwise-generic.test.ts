import { describe, expect, it } from 'vitest';
import { Attrs, DType, makeTensor } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

const INT_TYPES: DType[] = ['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64'];

describe('generic (scalar) elementwise kernels vs reference', () => {
  for (const dtype of [...INT_TYPES, 'float64', 'float16'] as DType[]) {
    for (const op of ['Add', 'Sub', 'Mul', 'Max', 'Min', 'Equal', 'Less', 'GreaterOrEqual']) {
      it(`${op} ${dtype} with broadcasting`, async () => {
        const r = rng(op.length * 7 + dtype.length);
        const lo = dtype.startsWith('u') ? 0 : -50;
        const a = randomTensor(dtype, [3, 1, 5], r, lo, 50), b = randomTensor(dtype, [4, 1], r, lo, 50);
        const { actual, expected } = await runKernel(op, [{ tensor: a }, { tensor: b }]);
        const c = compareTensors(actual[0]!, expected[0]!, 2e-3, 1e-3);
        expect(c.ok, c.message).toBe(true);
      });
    }
  }
  for (const dtype of ['int32', 'int64', 'int8'] as DType[]) {
    for (const [op, attrs] of [['Div', {}], ['Mod', { fmod: 0 }], ['Mod', { fmod: 1 }]] as [string, Record<string, number>][]) {
      it(`${op} ${JSON.stringify(attrs)} ${dtype} with negative operands`, async () => {
        const r = rng(3);
        const a = randomTensor(dtype, [17], r, -100, 100);
        const b = makeTensor(dtype, [17], Array.from({ length: 17 }, (_, i) => [3, -3, 7, -7, 1, -1, 5][i % 7]!));
        const { actual, expected } = await runKernel(op, [{ tensor: a }, { tensor: b }], attrs);
        const c = compareTensors(actual[0]!, expected[0]!);
        expect(c.ok, c.message).toBe(true);
      });
    }
  }
  // Every node carries its parameters (the importer writes ONNX's defaults; these are they).
  const params: Record<string, Attrs> = { Elu: { alpha: 1 }, Selu: { alpha: 1.6732632, gamma: 1.050701 }, Gelu: { approximate: 'none' } };
  for (const op of ['Sin', 'Cos', 'Atan', 'Softplus', 'Elu', 'Selu', 'Sign', 'Round', 'Mish', 'Gelu', 'Softsign']) {
    for (const dtype of ['float32', 'float64'] as DType[]) {
      it(`${op} ${dtype}`, async () => {
        const r = rng(op.length);
        const { actual, expected } = await runKernel(op, [{ tensor: randomTensor(dtype, [7, 3], r, -4, 4) }], params[op]);
        const c = compareTensors(actual[0]!, expected[0]!, 1e-5, 1e-6);
        expect(c.ok, c.message).toBe(true);
      });
    }
  }
  it('Where with broadcasting (int64 values)', async () => {
    const r = rng(11);
    const cond = makeTensor('bool', [3, 1], [1, 0, 1]);
    const { actual, expected } = await runKernel('Where', [{ tensor: cond }, { tensor: randomTensor('int64', [3, 4], r, -9, 9) }, { tensor: randomTensor('int64', [4], r, -9, 9) }]);
    expect(compareTensors(actual[0]!, expected[0]!).ok).toBe(true);
  });
  it('logical ops and Not on bool', async () => {
    const a = makeTensor('bool', [7], [1, 0, 1, 1, 0, 0, 1]), b = makeTensor('bool', [7], [0, 0, 1, 0, 1, 1, 1]);
    for (const op of ['And', 'Or', 'Xor']) {
      const { actual, expected } = await runKernel(op, [{ tensor: a }, { tensor: b }]);
      expect(compareTensors(actual[0]!, expected[0]!).ok, op).toBe(true);
    }
    const { actual, expected } = await runKernel('Not', [{ tensor: a }]);
    expect(compareTensors(actual[0]!, expected[0]!).ok).toBe(true);
  });
  it('Clip with run-time bounds on int32', async () => {
    const r = rng(5);
    const { actual, expected } = await runKernel('Clip', [
      { tensor: randomTensor('int32', [9], r, -20, 20) },
      { tensor: makeTensor('int32', [], [-5]) },
      { tensor: makeTensor('int32', [], [7]) },
    ]);
    expect(compareTensors(actual[0]!, expected[0]!).ok).toBe(true);
  });
  it('IsNaN and IsInf', async () => {
    const x = makeTensor('float32', [6], [0, NaN, Infinity, -Infinity, 1, -2]);
    for (const [op, attrs] of [['IsNaN', {}], ['IsInf', { detect_positive: 1, detect_negative: 1 }], ['IsInf', { detect_positive: 1, detect_negative: 0 }]] as [string, Record<string, number>][]) {
      const { actual, expected } = await runKernel(op, [{ tensor: x }], attrs);
      expect(compareTensors(actual[0]!, expected[0]!).ok, op).toBe(true);
    }
  });
});
