// Property-style kernel tests for the movement, reduction and normalization kernels: seeded random
// ranks, dims drawn from the odd sizes 1, 3, 7, 17, random axes/permutations/slices, compared with
// the ops' reference evaluate.
import { describe, expect, it } from 'vitest';
import { Attrs, makeTensor } from '@onnx2wasm/ir';
import { KernelInput, compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

const SIZES = [1, 3, 7, 17];
const CASES = 6;

function gen(seed: number) {
  const r = rng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const dims = (maxRank: number, minRank = 1) => Array.from({ length: minRank + int(maxRank - minRank + 1) }, () => SIZES[int(SIZES.length)]!);
  const shuffle = <T>(xs: T[]) => { for (let i = xs.length - 1; i > 0; i--) { const j = int(i + 1); [xs[i], xs[j]] = [xs[j]!, xs[i]!]; } return xs; };
  return { r, int, dims, shuffle };
}

async function check(op: string, inputs: KernelInput[], attrs: Attrs, rtol = 1e-5, atol = 1e-6) {
  const { actual, expected } = await runKernel(op, inputs, attrs);
  const c = compareTensors(actual[0]!, expected[0]!, rtol, atol);
  expect(c.ok, `${op} ${JSON.stringify(attrs)} on [${inputs.map((i) => `[${i.tensor.dims}]`)}]: ${c.message}`).toBe(true);
}

describe('movement kernels on random shapes', () => {
  for (let s = 0; s < CASES; s++) {
    it(`Transpose #${s}`, async () => {
      const g = gen(100 + s);
      const d = g.dims(5, 2);
      const perm = g.shuffle(d.map((_, i) => i));
      await check('Transpose', [{ tensor: randomTensor(s % 2 ? 'float32' : 'int64', d, g.r, -50, 50) }], { perm }, 0, 0);
    });
    it(`Slice #${s}`, async () => {
      const g = gen(200 + s);
      const d = g.dims(4);
      const axes = g.shuffle(d.map((_, i) => i)).slice(0, 1 + g.int(d.length));
      const steps = axes.map(() => [1, 2, -1, -3][g.int(4)]!);
      const starts = axes.map((a) => g.int(2 * d[a]! + 2) - d[a]! - 1);
      const ends = axes.map((a) => g.int(2 * d[a]! + 2) - d[a]! - 1);
      const ints = (v: number[]) => ({ tensor: makeTensor('int64', [v.length], v), constant: true });
      await check('Slice', [{ tensor: randomTensor('float32', d, g.r) }, ints(starts), ints(ends), ints(axes.map((a) => a - (g.int(2) ? d.length : 0))), ints(steps)], {}, 0, 0);
    });
    it(`Concat #${s}`, async () => {
      const g = gen(300 + s);
      const d = g.dims(4);
      const axis = g.int(d.length);
      const inputs = Array.from({ length: 1 + g.int(3) }, () => {
        const di = [...d];
        di[axis] = SIZES[g.int(SIZES.length)]!;
        return { tensor: randomTensor('float32', di, g.r) };
      });
      await check('Concat', inputs, { axis }, 0, 0);
    });
  }
});

describe('compute kernels on random shapes', () => {
  for (let s = 0; s < CASES; s++) {
    it(`ReduceMean #${s}`, async () => {
      const g = gen(400 + s);
      const d = g.dims(4);
      const axes = g.shuffle(d.map((_, i) => i)).slice(0, 1 + g.int(d.length));
      await check('ReduceMean', [{ tensor: randomTensor('float32', d, g.r) }], { axes, keepdims: g.int(2), noop_with_empty_axes: 0 });
    });
    it(`Softmax #${s}`, async () => {
      const g = gen(500 + s);
      const d = g.dims(4);
      await check('Softmax', [{ tensor: randomTensor('float32', d, g.r, -4, 4) }], { axis: g.int(d.length) }, 1e-5, 1e-7);
    });
    it(`LayerNormalization #${s}`, async () => {
      const g = gen(600 + s);
      const d = g.dims(4);
      const axis = g.int(d.length);
      const tail = d.slice(axis);
      await check('LayerNormalization', [{ tensor: randomTensor('float32', d, g.r, -2, 3) }, { tensor: randomTensor('float32', tail, g.r) }, { tensor: randomTensor('float32', tail, g.r), constant: true }], { axis, epsilon: 1e-5 }, 1e-4, 1e-5);
    });
    it(`MatMul #${s}`, async () => {
      const g = gen(700 + s);
      const [m, k, n] = [SIZES[g.int(4)]!, SIZES[g.int(4)]!, SIZES[g.int(4)]!];
      const batchA = g.dims(2, 0).map((x) => (g.int(2) ? x : 1)), batchB = batchA.map((x) => (g.int(2) ? x : 1)).slice(g.int(2));
      await check('MatMul', [{ tensor: randomTensor('float32', [...batchA, m, k], g.r) }, { tensor: randomTensor('float32', [...batchB, k, n], g.r), constant: g.int(2) === 1 }], {}, 1e-5, 1e-5);
    });
  }
});
