#!/usr/bin/env node
// npm run bench:control [-- --runs N --warmup N --hidden H --samples S --no-write]
//   [--model silero_vad_v5.onnx --shape input=1,256 --shape state=2,1,128]
// What a run-time If costs: the Silero-VAD-like streaming model of tests/support/streaming-vad.ts
// (If on the int64 `sr` around an LSTM per branch) compiled with `sr` as a run-time input and with
// `sr` pinned (constantInputs), run at the same rate in one process, alternating after warm-up, with
// the state fed back; prints medians and the ratio run-time / pinned. Writes the "Run-time control
// flow" section of docs/benchmarks.md. With --model, a real Silero VAD file instead (e.g. from the
// npm package @ricky0123/vad-web; not in the repo): its inputs pinned to the --shape dims, `sr`
// fed at run time or pinned, each float input X fed back from the output named XN or Xn; its rows
// are printed, not written.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compile } from 'onnx2wasm';
import { loadModel } from '@onnx2wasm/runtime';
import { loadNote, median } from './bench/stats.mjs';

const loadAtStart = (await import('node:os')).loadavg()[0];
import { replaceSection } from './bench/doc-section.mjs';
import './fuzz/ts-loader.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({ options: {
  runs: { type: 'string', default: '200' }, warmup: { type: 'string', default: '20' },
  hidden: { type: 'string', default: '128' }, samples: { type: 'string', default: '512' }, 'no-write': { type: 'boolean', default: false },
  model: { type: 'string' }, shape: { type: 'string', multiple: true, default: [] },
} });
const runs = Number(args.runs), warmup = Number(args.warmup), hidden = Number(args.hidden), samples = Number(args.samples);
// The model builder is TypeScript shared with the tests (loaded through the ts loader).
const { streamingVad } = await import('../tests/support/streaming-vad.ts');
const fs = await import('node:fs');
const bytes = args.model ? fs.readFileSync(args.model) : streamingVad({ hidden, samples });
const inputShapes = Object.fromEntries(args.shape.map((s) => { const [k, v] = s.split('='); return [k, v.split(',').map(Number)]; }));
const audio = args.model ? Object.keys(inputShapes)[0] : 'x';

const rows = [];
for (const rate of [16000, 8000]) {
  const runTime = await compile(bytes, { inputShapes });
  const pinned = await compile(bytes, { inputShapes, constantInputs: { sr: rate } });
  const models = { runTime: await loadModel({ wasm: runTime.wasm, weights: runTime.weights }), pinned: await loadModel({ wasm: pinned.wasm, weights: pinned.weights }) };
  const n = args.model ? inputShapes[audio].at(-1) : samples;
  const x = { dtype: 'float32', dims: args.model ? inputShapes[audio] : [1, samples], data: Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 0.5) };
  // The recurrent state: every other float input, zeros at first, then fed back from its output.
  const stateInputs = models.pinned.inputs.filter((i) => i.name !== audio && i.dtype === 'float32');
  const states = { runTime: undefined, pinned: undefined };
  const step = async (which) => {
    const state = states[which] ?? Object.fromEntries(stateInputs.map((i) => [i.name, { dtype: 'float32', dims: i.dims, data: new Float32Array(i.dims.reduce((a, b) => a * b, 1)) }]));
    const feeds = { [audio]: x, ...state, ...(which === 'runTime' ? { sr: { dtype: 'int64', dims: [], data: BigInt64Array.of(BigInt(rate)) } } : {}) };
    const t0 = performance.now();
    const out = await models[which].run(feeds);
    const ms = performance.now() - t0;
    states[which] = Object.fromEntries(stateInputs.map((i) => [i.name, out[`${i.name}N`] ?? out[`${i.name}n`]]));
    return ms;
  };
  const times = { runTime: [], pinned: [] };
  for (let i = 0; i < warmup + runs; i++) {
    for (const which of i % 2 ? ['pinned', 'runTime'] : ['runTime', 'pinned']) {
      const ms = await step(which);
      if (i >= warmup) times[which].push(ms);
    }
  }
  const row = {
    rate, runTime: median(times.runTime), pinned: median(times.pinned),
    wasm: runTime.wasm.byteLength, pinnedWasm: pinned.wasm.byteLength, conditional: runTime.summary.runTimeBranches?.conditionalNodes ?? 0,
  };
  rows.push(row);
  console.log(`${args.model ? path.basename(args.model) : `streaming VAD (hidden ${hidden}, ${samples} samples)`} sr=${rate}: run-time sr ${row.runTime.toFixed(3)} ms, pinned ${row.pinned.toFixed(3)} ms, ratio ${(row.runTime / row.pinned).toFixed(2)}×; wasm ${row.wasm} vs ${row.pinnedWasm} bytes; ${row.conditional} nodes under a run-time condition`);
}

if (!args['no-write'] && !args.model) {
  const table = [
    `The Silero-VAD-like streaming model of \`tests/support/streaming-vad.ts\` (hidden ${hidden}, ${samples} samples per call, state fed back), compiled once with \`sr\` as a run-time input (both branches in the module, the taken one run) and once with \`sr\` pinned (\`--constant sr=…\`: one branch compiled). Median of ${runs} calls each, alternating, one process (\`npm run bench:control\`). ${loadNote(loadAtStart)}`,
    '',
    '| sr | run-time `sr` (ms) | pinned (ms) | ratio | wasm run-time / pinned (bytes) |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.rate} | ${r.runTime.toFixed(3)} | ${r.pinned.toFixed(3)} | ${(r.runTime / r.pinned).toFixed(2)}× | ${r.wasm} / ${r.pinnedWasm} |`),
  ].join('\n');
  replaceSection(path.join(root, 'docs/benchmarks.md'), 'Run-time control flow', table);
}
