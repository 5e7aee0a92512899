import { describe, expect, it } from 'vitest';
import { DType, PadMode, makeTensor } from '@onnx2wasm/ir';
import { KernelInput, compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

const ints = (v: number[]) => ({ tensor: makeTensor('int64', [v.length], v), constant: true });

describe('Pad kernel vs reference', () => {
  const cases: { dims: number[]; pads: number[]; mode: PadMode; axes?: number[]; value?: number; dtype?: DType; constValue?: boolean }[] = [
    { dims: [1, 3, 4, 5], pads: [0, 0, 1, 3, 0, 0, 2, 4], mode: 'constant', value: 1.5 },
    { dims: [1, 3, 4, 5], pads: [0, 3, 0, 4], axes: [1, 3], mode: 'constant', value: -2, constValue: true },
    { dims: [1, 3, 4, 5], pads: [0, 0, 1, 1, 0, 0, 1, 1], mode: 'edge', dtype: 'int32' },
    { dims: [1, 3, 4, 5], pads: [0, 0, 1, 1, 0, 0, 1, 1], mode: 'reflect', dtype: 'int32' },
    { dims: [1, 3, 4, 5], pads: [0, 0, 1, 1, 0, 0, 1, 1], mode: 'wrap', dtype: 'int32' },
    { dims: [7, 3], pads: [5, 7, 9, 8], mode: 'reflect' },
    { dims: [3, 17], pads: [2, 20, 4, 17], mode: 'wrap', dtype: 'uint8' },
    { dims: [17, 7], pads: [3, -2, -5, 4], mode: 'constant', dtype: 'int64' },
    { dims: [7, 3], pads: [1, 2, 3, 1], mode: 'edge', dtype: 'float16' },
    { dims: [1, 1], pads: [3, 2, 1, 4], mode: 'reflect' },
    { dims: [0, 3], pads: [1, 0, 2, 0], mode: 'constant' },
  ];
  for (const t of cases) {
    it(`${t.mode} ${t.dtype ?? 'float32'}[${t.dims}] pads [${t.pads}]${t.axes ? ` axes [${t.axes}]` : ''}`, async () => {
      const dtype = t.dtype ?? 'float32';
      const x = randomTensor(dtype, t.dims, rng(t.dims.length * 11 + t.pads[0]!), -50, 50);
      const inputs: (KernelInput | undefined)[] = [{ tensor: x }, ints(t.pads)];
      if (t.value !== undefined || t.axes) inputs.push(t.value !== undefined ? { tensor: makeTensor(dtype, [], [t.value]), constant: t.constValue } : undefined);
      if (t.axes) inputs.push(ints(t.axes));
      const { actual, expected } = await runKernel('Pad', inputs, { mode: t.mode });
      const c = compareTensors(actual[0]!, expected[0]!, 0, 0);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
