import { describe, expect, it } from 'vitest';
import { DType, makeTensor } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

describe('Cast kernel vs reference', () => {
  const pairs: [DType, DType][] = [
    ['float32', 'int32'], ['int32', 'float32'], ['float32', 'int64'], ['int64', 'float32'], ['int64', 'int32'],
    ['int32', 'int64'], ['float32', 'bool'], ['bool', 'float32'], ['float64', 'float32'], ['float32', 'float64'],
    ['int64', 'int64'], ['float32', 'uint8'], ['int8', 'float32'], ['int64', 'bool'], ['float32', 'float16'], ['float16', 'float32'],
  ];
  for (const [from, to] of pairs) {
    for (const n of [1, 3, 7, 17]) {
      it(`${from} -> ${to} [${n}]`, async () => {
        let x = randomTensor(from === 'bool' ? 'uint8' : from, [n], rng(n * 13 + from.length), from.startsWith('uint') || from === 'bool' ? 0 : -100, from === 'bool' ? 1 : 100);
        if (from === 'bool') x = { ...x, dtype: 'bool' };
        if (from === 'float16') x = { dtype: 'float16', dims: [n], data: Uint16Array.from({ length: n }, (_, i) => [0x3c00, 0xc500, 0x0000, 0x4248, 0x3555][i % 5]!) };
        if (to === 'bool' && n > 2) (x.data as Float32Array)[1] = (from === 'int64' ? 0n : 0) as number;
        const { actual, expected } = await runKernel('Cast', [{ tensor: x }], { to });
        const c = compareTensors(actual[0]!, expected[0]!, 0, 0);
        expect(c.ok, c.message).toBe(true);
      });
    }
  }
});

describe('Shape and ConstantOfShape kernels', () => {
  it('Shape writes the dims (with start/end)', async () => {
    const x = randomTensor('float32', [2, 7, 3], rng(1));
    for (const attrs of [{ start: 0 }, { start: 1 }, { start: -2, end: -1 }]) {
      const { actual, expected } = await runKernel('Shape', [{ tensor: x }], attrs);
      expect(compareTensors(actual[0]!, expected[0]!).ok).toBe(true);
    }
  });
  for (const [dtype, value] of [['float32', 1.5], ['int64', 7], ['int32', -3], ['float32', 0], ['bool', 1]] as const) {
    it(`ConstantOfShape ${dtype} ${value}`, async () => {
      const shape = { tensor: makeTensor('int64', [2], [3, 7]), constant: true };
      const { actual, expected } = await runKernel('ConstantOfShape', [shape], { value: makeTensor(dtype, [1], [value]) });
      const c = compareTensors(actual[0]!, expected[0]!, 0, 0);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
