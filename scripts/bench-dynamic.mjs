#!/usr/bin/env node
// npm run bench:dynamic [-- --filter TEXT --runs N --warmup N --no-write]
// What run-time dims cost: each model compiled once with symbolic dims (generic code), once pinned
// to one shape, and once with --specialize for that shape, all run at that shape in one process,
// alternating after warm-up; prints medians and the ratios to the pinned build. Writes the
// "Dynamic shapes" section of docs/benchmarks.md.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compile } from 'onnx2wasm';
import { loadModel } from '@onnx2wasm/runtime';
import { median } from './bench/stats.mjs';
import { replaceSection } from './bench/doc-section.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const models = path.resolve(root, '../shared/models');
const { values: args } = parseArgs({ options: {
  filter: { type: 'string', default: '' }, runs: { type: 'string', default: '15' }, warmup: { type: 'string', default: '3' }, 'no-write': { type: 'boolean', default: false },
} });
const runs = Number(args.runs), warmup = Number(args.warmup);

const cases = [
  // The PyTorch export with symbolic batch and seq axes, at the reference shape.
  { name: 'transformer_enc_dyn', file: 'transformer_enc_dyn.onnx', dims: [1, 128, 256], symbolic: undefined, specialize: { seq: [128] } },
  { name: 'transformer_enc_dyn', file: 'transformer_enc_dyn.onnx', dims: [2, 33, 256], symbolic: undefined, specialize: { batch: [2], seq: [33] } },
  // A CNN whose batch dim is made symbolic at compile time (the model fixes batch 1, so that is the
  // shape a pinned build can run): the per-sample loop's cost.
  { name: 'resnet18 (batch N)', file: 'resnet18.onnx', dims: [1, 3, 224, 224], symbolic: ['N', 3, 224, 224], specialize: { N: [1] } },
];

const rows = [];
for (const c of cases.filter((x) => `${x.name} [${x.dims}]`.includes(args.filter))) {
  const bytes = new Uint8Array(fs.readFileSync(path.join(models, c.file)));
  const data = Float32Array.from({ length: c.dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.37) * 0.5);
  const feeds = { input: { dtype: 'float32', dims: c.dims, data } };
  const symbolicShapes = c.symbolic ? { inputShapes: { input: c.symbolic } } : {};
  const builds = {
    dynamic: await compile(bytes, symbolicShapes),
    pinned: await compile(bytes, { inputShapes: { input: c.dims } }),
    specialized: await compile(bytes, { ...symbolicShapes, specialize: c.specialize }),
  };
  const loaded = {};
  for (const [k, b] of Object.entries(builds)) loaded[k] = await loadModel({ wasm: b.wasm, weights: b.weights });
  for (let i = 0; i < warmup; i++) for (const m of Object.values(loaded)) await m.run(feeds);
  const times = { dynamic: [], pinned: [], specialized: [] };
  for (let i = 0; i < runs; i++) {
    for (const [k, m] of Object.entries(loaded)) { const t = performance.now(); await m.run(feeds); times[k].push(performance.now() - t); }
  }
  const med = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  const row = { name: c.name, dims: c.dims, ...med, wasm: Object.fromEntries(Object.entries(builds).map(([k, b]) => [k, b.wasm.byteLength])) };
  rows.push(row);
  console.log(`${c.name.padEnd(22)} at [${c.dims}]  pinned ${med.pinned.toFixed(2)} ms  dynamic ${med.dynamic.toFixed(2)} ms (×${(med.dynamic / med.pinned).toFixed(2)})  specialized ${med.specialized.toFixed(2)} ms (×${(med.specialized / med.pinned).toFixed(2)})`);
}

if (!args['no-write']) {
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
  const body = [
    `Each model compiled three ways and run at the same shape in one process (${runs} alternating runs after ${warmup} warm-up runs, medians): pinned to that shape (\`--input-shape\`), generic with symbolic dims (compiled once for any shape), and generic plus \`--specialize\` for that shape. Ratios are to the pinned build. Command: \`npm run bench:dynamic\`, ${new Date().toISOString().slice(0, 10)}.`,
    '',
    '| model | run at | pinned ms | dynamic ms | dynamic / pinned | specialized ms | specialized / pinned | wasm pinned / dynamic / specialized |',
    '|---|---|---:|---:|---:|---:|---:|---|',
    ...rows.map((r) => `| ${r.name} | [${r.dims}] | ${r.pinned.toFixed(2)} | ${r.dynamic.toFixed(2)} | ${(r.dynamic / r.pinned).toFixed(2)} | ${r.specialized.toFixed(2)} | ${(r.specialized / r.pinned).toFixed(2)} | ${kib(r.wasm.pinned)} / ${kib(r.wasm.dynamic)} / ${kib(r.wasm.specialized)} |`),
  ].join('\n');
  replaceSection(path.join(root, 'docs/benchmarks.md'), 'Dynamic shapes', body);
  console.log('wrote docs/benchmarks.md (Dynamic shapes)');
}
process.exit(0);
