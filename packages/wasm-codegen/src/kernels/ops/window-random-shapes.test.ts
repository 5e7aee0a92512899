// Property-style tests for the window kernels (Conv, MaxPool, AveragePool) and the per-channel ones
// (BatchNormalization, global pools): seeded random 1-D/2-D shapes with sizes 1, 3, 7, 17, random
// kernels, strides, pads, dilations, groups and epilogues, compared with the ops' reference evaluate.
import { describe, expect, it } from 'vitest';
import { Attrs } from '@onnx2wasm/ir';
import { KernelInput, compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

const SIZES = [1, 3, 7, 17];
const CASES = 12;

function gen(seed: number) {
  const r = rng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]) => xs[int(xs.length)]!;
  return { r, int, pick };
}

/** A random window that fits each axis: kernel, stride, dilation, and pads smaller than the window extent. */
function randomWindow(g: ReturnType<typeof gen>, spatial: number[]) {
  const kernel: number[] = [], strides: number[] = [], dilations: number[] = [], begin: number[] = [], end: number[] = [];
  for (const size of spatial) {
    let k = g.pick([1, 2, 3, 5]), d = g.pick([1, 1, 2]);
    const p0 = g.int(k), p1 = g.int(k);
    if (d * (k - 1) + 1 > size + p0 + p1) { k = 1; d = 1; }
    kernel.push(k); dilations.push(d); strides.push(g.pick([1, 1, 2, 3]));
    const span = d * (k - 1) + 1;
    begin.push(Math.min(p0, span - 1)); end.push(Math.min(p1, span - 1));
  }
  return { kernel_shape: kernel, strides, dilations, pads: [...begin, ...end] };
}

async function check(op: string, inputs: (KernelInput | undefined)[], attrs: Attrs, rtol = 1e-5, atol = 1e-5) {
  const { actual, expected } = await runKernel(op, inputs, attrs);
  const c = compareTensors(actual[0]!, expected[0]!, rtol, atol);
  expect(c.ok, `${op} ${JSON.stringify(attrs)} on [${inputs.map((i) => (i ? `[${i.tensor.dims}]` : '-'))}]: ${c.message}`).toBe(true);
}

describe('window kernels on random shapes', () => {
  for (let s = 0; s < CASES; s++) {
    it(`Conv #${s}`, async () => {
      const g = gen(300 + s);
      const spatial = Array.from({ length: 1 + g.int(2) }, () => g.pick(SIZES));
      const C = g.pick(SIZES);
      const kind = g.pick(['dense', 'depthwise', 'multiplier'] as const);
      const group = kind === 'dense' || C === 1 ? 1 : C;
      const M = kind === 'dense' ? g.pick(SIZES) : kind === 'depthwise' ? C : C * 2;
      const window = randomWindow(g, spatial);
      const attrs: Attrs = { ...window, group };
      const act = g.pick(['none', 'relu', 'clip'] as const);
      if (act === 'relu') attrs.activation = 'relu';
      if (act === 'clip') { attrs.activation = 'clip'; attrs.activation_params = [-0.3, 0.4]; }
      const x = randomTensor('float32', [1 + g.int(2), C, ...spatial], g.r);
      const w = randomTensor('float32', [M, C / group, ...window.kernel_shape], g.r);
      const inputs: (KernelInput | undefined)[] = [{ tensor: x }, { tensor: w, constant: true }];
      inputs.push(g.int(2) ? { tensor: randomTensor('float32', [M], g.r), constant: true } : undefined);
      if (g.int(3) === 0) {
        const probe = await runKernel('Conv', inputs, attrs);
        inputs.push({ tensor: randomTensor('float32', probe.expected[0]!.dims, g.r) });
      }
      await check('Conv', inputs, attrs);
    });

    for (const op of ['MaxPool', 'AveragePool']) {
      it(`${op} #${s}`, async () => {
        const g = gen((op === 'MaxPool' ? 400 : 500) + s);
        const spatial = Array.from({ length: 1 + g.int(2) }, () => g.pick(SIZES));
        const attrs: Attrs = { ...randomWindow(g, spatial), ceil_mode: g.int(2) };
        if (op === 'AveragePool') attrs.count_include_pad = g.int(2);
        await check(op, [{ tensor: randomTensor('float32', [1 + g.int(2), g.pick(SIZES), ...spatial], g.r) }], attrs);
      });
    }

    it(`BatchNormalization and global pools #${s}`, async () => {
      const g = gen(600 + s);
      const dims = [1 + g.int(2), g.pick(SIZES), ...Array.from({ length: g.int(3) }, () => g.pick(SIZES))];
      const C = dims[1]!;
      const p = (lo: number, hi: number) => ({ tensor: randomTensor('float32', [C], g.r, lo, hi), constant: true });
      const x = { tensor: randomTensor('float32', dims, g.r, -2, 2) };
      await check('BatchNormalization', [x, p(0.5, 2), p(-1, 1), p(-1, 1), p(0.1, 2)], { epsilon: 1e-5 });
      if (dims.length > 2) {
        await check('GlobalAveragePool', [x], {});
        await check('GlobalMaxPool', [x], {}, 0, 0);
      }
    });
  }
});
