import { describe, expect, it } from 'vitest';
import { makeTensor } from '@onnx2wasm/ir';
import { KernelInput, compareTensors, randomTensor, rng, runKernel } from '../../testing/kernel-harness.js';

const GATES = { RNN: 1, GRU: 3, LSTM: 4 } as const;
const DEFAULTS = { RNN: ['Tanh'], GRU: ['Sigmoid', 'Tanh'], LSTM: ['Sigmoid', 'Tanh', 'Tanh'] } as const;

describe('RNN / GRU / LSTM kernels vs reference', () => {
  const cases: { op: keyof typeof GATES; T: number; B: number; I: number; H: number; dir?: string; bias?: boolean; lens?: number[]; init?: boolean; peep?: boolean; attrs?: Record<string, number>; acts?: string[] }[] = [
    { op: 'RNN', T: 3, B: 2, I: 3, H: 5, bias: true },
    { op: 'RNN', T: 4, B: 3, I: 7, H: 4, dir: 'bidirectional', lens: [4, 1, 3], init: true, acts: ['Relu', 'Tanh'] },
    { op: 'RNN', T: 2, B: 1, I: 3, H: 2, acts: ['HardSigmoid'], attrs: { clip: 0.2 } },
    { op: 'GRU', T: 5, B: 1, I: 2, H: 6 },
    { op: 'GRU', T: 3, B: 2, I: 17, H: 3, bias: true, attrs: { linear_before_reset: 1 }, dir: 'reverse', init: true },
    { op: 'GRU', T: 2, B: 3, I: 4, H: 9, bias: true, lens: [2, 0, 1], dir: 'bidirectional' },
    { op: 'LSTM', T: 3, B: 2, I: 3, H: 4, bias: true },
    { op: 'LSTM', T: 4, B: 2, I: 5, H: 3, bias: true, peep: true, init: true, lens: [3, 4], attrs: { clip: 0.5 } },
    { op: 'LSTM', T: 2, B: 1, I: 3, H: 7, dir: 'bidirectional', attrs: { input_forget: 1 }, peep: true },
  ];
  for (const t of cases) {
    it(`${t.op} T${t.T} B${t.B} I${t.I} H${t.H} ${t.dir ?? 'forward'}${t.lens ? ` lens [${t.lens}]` : ''}`, async () => {
      const r = rng(t.T * 1000 + t.B * 100 + t.I * 10 + t.H);
      const D = t.dir === 'bidirectional' ? 2 : 1, G = GATES[t.op];
      const inputs: (KernelInput | undefined)[] = [
        { tensor: randomTensor('float32', [t.T, t.B, t.I], r) },
        { tensor: randomTensor('float32', [D, G * t.H, t.I], r, -0.5, 0.5), constant: true },
        { tensor: randomTensor('float32', [D, G * t.H, t.H], r, -0.5, 0.5) },
        t.bias ? { tensor: randomTensor('float32', [D, 2 * G * t.H], r, -0.5, 0.5) } : undefined,
        t.lens ? { tensor: makeTensor('int32', [t.B], t.lens) } : undefined,
        t.init ? { tensor: randomTensor('float32', [D, t.B, t.H], r) } : undefined,
      ];
      if (t.op === 'LSTM') inputs.push(t.init ? { tensor: randomTensor('float32', [D, t.B, t.H], r) } : undefined, t.peep ? { tensor: randomTensor('float32', [D, 3 * t.H], r) } : undefined);
      while (!inputs[inputs.length - 1]) inputs.pop();
      const acts = t.acts ?? DEFAULTS[t.op];
      const names = D === 2 && !t.acts ? [...acts, ...acts] : [...acts];
      const cellAttrs = t.op === 'GRU' ? { linear_before_reset: 0 } : t.op === 'LSTM' ? { input_forget: 0 } : {};
      const attrs = { hidden_size: t.H, direction: t.dir ?? 'forward', activations: names, activation_alpha: names.map(() => 0), activation_beta: names.map(() => 0), clip: 0, ...cellAttrs, ...t.attrs };
      const outputs = t.op === 'LSTM' ? 3 : 2;
      const { actual, expected } = await runKernel(t.op, inputs, attrs, { outputs });
      for (let o = 0; o < outputs; o++) {
        const c = compareTensors(actual[o]!, expected[o]!, 1e-4, 1e-5);
        expect(c.ok, `output ${o}: ${c.message}`).toBe(true);
      }
    });
  }
});
