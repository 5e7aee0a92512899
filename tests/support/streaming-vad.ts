// A Silero-VAD-like streaming model built from ONNX ops: the int64 sample rate `sr` decides, at run
// time, which of two LSTM front ends runs (16 kHz: 4 frames of 64 samples; otherwise 8 frames of
// 32, other weights and ops), the 16 kHz branch nests an If on the audio's mean, and the LSTM state
// output is fed back as the next call's `state` input.
import { buildModel, graphAttr, intAttr, type InitSpec, type NodeSpec } from './onnx-builder.js';
import { seededInput } from './models.js';

export const INT64 = 7;
export const HIDDEN = 16;
export const SAMPLES = 256;

/** Sizes: the tests use the defaults; the benchmark (scripts/bench-control.mjs) Silero's 128 and 512. */
export interface VadSizes { hidden?: number; samples?: number }

const init = (name: string, dims: number[], seed: number, scale = 0.3): InitSpec => ({ name, dims, values: seededInput(dims, seed).map((v) => v * scale) });
const i64 = (name: string, values: number[]): InitSpec => ({ name, dims: [values.length], dataType: INT64, raw: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer) });

/** One branch: frames of `frame` samples through an LSTM, then a linear head with a sigmoid. */
function branch(tag: string, frame: number, extra: NodeSpec[], head: string, samples: number, hidden: number): { nodes: NodeSpec[]; initializers: InitSpec[] } {
  const steps = samples / frame;
  return {
    initializers: [i64(`${tag}_frames`, [steps, 1, frame]), init(`${tag}_Wout`, [hidden, 1], 40 + frame)],
    nodes: [
      { op: 'Reshape', inputs: ['x', `${tag}_frames`], outputs: [`${tag}_X`] },
      ...extra,
      { op: 'LSTM', inputs: [`${tag}_Xin`, `${tag}_W`, `${tag}_R`, `${tag}_B`, '', 'h0', 'c0'], outputs: ['', `${tag}_h`, `${tag}_c`], attrs: [intAttr('hidden_size', hidden)] },
      { op: 'Concat', inputs: [`${tag}_h`, `${tag}_c`], outputs: [`${tag}_state`], attrs: [intAttr('axis', 0)] },
      { op: 'Reshape', inputs: [`${tag}_h`, 'hidden_row'], outputs: [`${tag}_hrow`] },
      ...(head === `${tag}_hrow` ? [] : [{ op: 'Identity', inputs: [head], outputs: [`${tag}_head`] }]),
      { op: 'MatMul', inputs: [head === `${tag}_hrow` ? `${tag}_hrow` : `${tag}_head`, `${tag}_Wout`], outputs: [`${tag}_logit`] },
      { op: 'Sigmoid', inputs: [`${tag}_logit`], outputs: [`${tag}_prob`] },
    ],
  };
}

export function streamingVad(sizes: VadSizes = {}): Uint8Array {
  const hidden = sizes.hidden ?? HIDDEN, samples = sizes.samples ?? SAMPLES;
  const hi = branch('hi', 64, [{ op: 'Identity', inputs: ['hi_X'], outputs: ['hi_Xin'] }], 'hi_scaled', samples, hidden);
  // The 16 kHz branch's head depends on a nested If decided by the data: louder frames scale h up.
  hi.nodes.splice(hi.nodes.length - 3, 0,
    { op: 'ReduceMean', inputs: ['x'], outputs: ['hi_mean'], attrs: [intAttr('keepdims', 0)] },
    { op: 'Greater', inputs: ['hi_mean', 'zero'], outputs: ['hi_loud'] },
    {
      op: 'If', inputs: ['hi_loud'], outputs: ['hi_scaled'], attrs: [
        graphAttr('then_branch', { outputs: [{ name: 'up', dims: [1, hidden] }], nodes: [{ op: 'Mul', inputs: ['hi_hrow', 'two'], outputs: ['up'] }] }),
        graphAttr('else_branch', { outputs: [{ name: 'down', dims: [1, hidden] }], nodes: [{ op: 'Tanh', inputs: ['hi_hrow'], outputs: ['down'] }] }),
      ],
    });
  const lo = branch('lo', 32, [
    { op: 'Abs', inputs: ['lo_X'], outputs: ['lo_abs'] },
    { op: 'Sqrt', inputs: ['lo_abs'], outputs: ['lo_Xin'] },
  ], 'lo_hrow', samples, hidden);
  const lstm = (tag: string, input: number, seed: number): InitSpec[] => [
    init(`${tag}_W`, [1, 4 * hidden, input], seed), init(`${tag}_R`, [1, 4 * hidden, hidden], seed + 1), init(`${tag}_B`, [1, 8 * hidden], seed + 2, 0.1),
  ];
  return buildModel({
    opset: 17,
    inputs: [{ name: 'x', dims: [1, samples] }, { name: 'state', dims: [2, 1, hidden] }, { name: 'sr', dims: [], elemType: INT64 }],
    outputs: [{ name: 'prob', dims: [1, 1] }, { name: 'stateN', dims: [2, 1, hidden] }],
    initializers: [
      ...lstm('hi', 64, 10), ...lstm('lo', 32, 20),
      i64('rate16k', [16000]), i64('shape1', [1]), i64('hidden_row', [1, hidden]),
      { name: 'zero', dims: [], values: new Float32Array([0]) }, { name: 'two', dims: [], values: new Float32Array([2]) },
    ],
    nodes: [
      { op: 'Split', inputs: ['state'], outputs: ['h0', 'c0'], attrs: [intAttr('axis', 0)] },
      { op: 'Reshape', inputs: ['sr', 'shape1'], outputs: ['sr1'] },
      { op: 'Equal', inputs: ['sr1', 'rate16k'], outputs: ['is16k'] },
      {
        op: 'If', inputs: ['is16k'], outputs: ['prob', 'stateN'], name: 'If_0', attrs: [
          graphAttr('then_branch', { outputs: [{ name: 'hi_prob', dims: [1, 1] }, { name: 'hi_state', dims: [2, 1, hidden] }], ...hi }),
          graphAttr('else_branch', { outputs: [{ name: 'lo_prob', dims: [1, 1] }, { name: 'lo_state', dims: [2, 1, hidden] }], ...lo }),
        ],
      },
    ],
  });
}
