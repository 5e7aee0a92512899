#!/usr/bin/env node
// npm run bench:layout [-- --models a,b --runs N --write]
// The data-layout choice, measured: each conv model compiled with --layout nchw, nhwc (every conv
// and pool that has a channels-last form, whatever transposes remain) and auto (what compile()
// does), run alternately in one process after warm-up; prints medians, ratios to NCHW, the
// transposes left, and the largest difference from the NCHW build's output.
// --write keeps the table in docs/benchmarks.md (section "Layout").
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { compile } from 'onnx2wasm';
import { loadModel } from '@onnx2wasm/runtime';
import { median } from './bench/stats.mjs';
import { seededTensor } from './bench/kernel-timing.mjs';
import { replaceSection } from './bench/doc-section.mjs';
import { modelIndex, modelsDir, root } from './bench/models.mjs';

const { values: args } = parseArgs({ options: {
  models: { type: 'string' }, runs: { type: 'string', default: '10' }, warmup: { type: 'string', default: '2' }, write: { type: 'boolean', default: false },
} });
const index = modelIndex();
const names = args.models ? args.models.split(',') : Object.keys(index).filter((n) => index[n].ops?.Conv);
const MODES = ['nchw', 'nhwc', 'auto'];

const lines = [
  '| model | NCHW ms | NHWC ms | NHWC / NCHW | transposes left (NHWC) | auto picks | auto / NCHW | max abs diff |',
  '|---|---:|---:|---:|---:|---|---:|---:|',
];
console.log(lines.join('\n'));
for (const name of names) {
  const m = index[name];
  const file = path.join(modelsDir, m.file);
  const dims = m.input_shape;
  const feeds = { input: seededTensor(dims, 1) };
  const built = {};
  for (const layout of MODES) built[layout] = await compile(file, { inputShapes: { input: dims }, layout });
  const models = Object.fromEntries(await Promise.all(MODES.map(async (k) => [k, await loadModel({ wasm: built[k].wasm, weights: built[k].weights })])));
  const outs = {};
  for (const k of MODES) outs[k] = Float32Array.from(Object.values(await models[k].run(feeds))[0].data);
  const diff = Math.max(...MODES.slice(1).map((k) => outs[k].reduce((d, v, i) => Math.max(d, Math.abs(v - outs.nchw[i])), 0)));
  for (let i = 0; i < Number(args.warmup); i++) for (const k of MODES) await models[k].run(feeds);
  const times = Object.fromEntries(MODES.map((k) => [k, []]));
  for (let i = 0; i < Number(args.runs); i++) {
    for (const k of MODES) { const t = performance.now(); await models[k].run(feeds); times[k].push(performance.now() - t); }
  }
  const ms = Object.fromEntries(MODES.map((k) => [k, median(times[k])]));
  const picks = built.auto.graph.nodes.some((n) => n.op.startsWith('Nhwc')) ? 'NHWC' : 'NCHW';
  const transposes = built.nhwc.graph.nodes.filter((n) => n.op === 'Transpose').length;
  const line = `| ${name} | ${ms.nchw.toFixed(2)} | ${ms.nhwc.toFixed(2)} | ${(ms.nhwc / ms.nchw).toFixed(2)} | ${transposes} | ${picks} | ${(ms.auto / ms.nchw).toFixed(2)} | ${diff.toExponential(1)} |`;
  lines.push(line);
  console.log(line);
}

if (args.write) {
  const intro = `The layout choice, measured: \`npm run bench:layout -- --write\` (${new Date().toISOString().slice(0, 10)}), one Node ${process.version} process, medians of ${args.runs} alternating runs. NHWC = \`--layout nhwc\` (every conv and pool with a channels-last form, whatever transposes remain), auto = the default. The Transposes left in the NHWC build include the one at the input.`;
  replaceSection(path.join(root, 'docs/benchmarks.md'), 'Layout', [intro, '', ...lines].join('\n'));
}
