import { describe, expect, it } from 'vitest';
import { DType, makeTensor } from '@onnx2wasm/ir';
import { compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

const ints = (v: number[]) => ({ tensor: makeTensor('int64', [v.length], v), constant: true });
const BIG = 2 ** 62;

describe('Slice kernel vs reference', () => {
  const cases: { dims: number[]; starts: number[]; ends: number[]; axes?: number[]; steps?: number[]; dtype?: DType; expect?: number[] }[] = [
    { dims: [1, 116, 7, 7], starts: [0], ends: [58], axes: [1], expect: [1, 58, 7, 7] },
    { dims: [1, 116, 7, 7], starts: [58], ends: [BIG], axes: [1], expect: [1, 58, 7, 7] },
    { dims: [17, 3], starts: [-5, 1], ends: [-1, 3], expect: [4, 2] },
    { dims: [17], starts: [-1], ends: [-BIG], steps: [-1], expect: [17] },
    { dims: [7, 17], starts: [16, 1], ends: [0, 100], axes: [-1, 0], steps: [-3, 2], expect: [3, 6] },
    { dims: [3, 7], starts: [5], ends: [2], axes: [1], expect: [3, 0] },
    { dims: [3, 7, 17], starts: [1, 2], ends: [3, 15], axes: [0, 2], steps: [1, 4], dtype: 'int64', expect: [2, 7, 4] },
    { dims: [7, 3], starts: [100], ends: [-100], axes: [0], steps: [-2], dtype: 'uint8', expect: [4, 3] },
    { dims: [1], starts: [0], ends: [1], expect: [1] },
  ];
  for (const t of cases) {
    it(`${t.dtype ?? 'float32'}[${t.dims}] ${JSON.stringify([t.starts, t.ends, t.axes, t.steps])}`, async () => {
      const x = randomTensor(t.dtype ?? 'float32', t.dims, rng(t.dims.length + t.starts[0]!), 0, 100);
      const inputs = [{ tensor: x }, ints(t.starts), ints(t.ends), t.axes || t.steps ? ints(t.axes ?? t.starts.map((_, i) => i)) : undefined, t.steps ? ints(t.steps) : undefined];
      const { actual, expected } = await runKernel('Slice', inputs.slice(0, t.steps ? 5 : t.axes ? 4 : 3));
      expect(expected[0]!.dims).toEqual(t.expect);
      const c = compareTensors(actual[0]!, expected[0]!, 0, 0);
      expect(c.ok, c.message).toBe(true);
    });
  }
});
