#!/usr/bin/env node
// npm run bench:quant [-- --models a,b --runs N --warm-ms MS --no-write]
// Each int8 model in ../shared/models/quantized next to (1) our float32 build of the model it was
// made from and (2) onnxruntime-web (wasm backend, 1 thread) on the same int8 file, all three in this
// one process: each side warmed for --warm-ms (default 1500 ms), then runs alternate between the
// sides and the medians and ratios are printed. Absolute times drift on shared machines; the ratios
// within one run are the numbers to read. Writes the "Quantized models" section of docs/benchmarks.md.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { compile } from 'onnx2wasm';
import { loadModel } from '@onnx2wasm/runtime';
import { createOrtWeb } from './bench/ort-web.mjs';
import { fmtBytes, loadNote, median } from './bench/stats.mjs';

const loadAtStart = os.loadavg()[0];
import { replaceSection } from './bench/doc-section.mjs';
import { modelIndex, modelsDir, root } from './bench/models.mjs';

const { values: args } = parseArgs({
  options: {
    models: { type: 'string' },
    runs: { type: 'string', default: '10' },
    'warm-ms': { type: 'string', default: '1500' },
    'no-write': { type: 'boolean', default: false },
  },
});
const quantDir = path.join(modelsDir, 'quantized');
const quantIndex = JSON.parse(fs.readFileSync(path.join(quantDir, 'models.json'), 'utf8'));
const sources = Object.entries(modelIndex()).sort((a, b) => b[0].length - a[0].length);
const int8 = Object.keys(quantIndex).filter((f) => f.includes('int8') && quantIndex[f].input_dtype === 'float32').map((f) => f.replace(/\.onnx$/, ''));
const names = args.models ? args.models.split(',') : int8;
const runs = Number(args.runs), warmMs = Number(args['warm-ms']);

async function warm(run) {
  const end = performance.now() + warmMs;
  do await run(); while (performance.now() < end);
}

const rows = [];
for (const name of names) {
  const source = sources.find(([s]) => name.startsWith(`${s}_`));
  if (!quantIndex[`${name}.onnx`] || !source) { console.error(`unknown int8 model '${name}'`); process.exit(2); }
  const [sourceName, sourceInfo] = source;
  const dims = sourceInfo.input_shape;
  const n = dims.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 0.5);
  const feeds = { input: { dtype: 'float32', dims, data } };
  const int8Bytes = new Uint8Array(fs.readFileSync(path.join(quantDir, `${name}.onnx`)));
  const q = await compile(int8Bytes, { inputShapes: { input: dims } });
  const f = await compile(path.join(modelsDir, sourceInfo.file), { inputShapes: { input: dims } });
  const ours = await loadModel({ wasm: q.wasm, weights: q.weights });
  const ours32 = await loadModel({ wasm: f.wasm, weights: f.weights });
  const ortw = await createOrtWeb(int8Bytes);
  const sides = [
    ['int8', () => ours.run(feeds)],
    ['fp32', () => ours32.run(feeds)],
    ['ort', () => ortw.run('input', dims, data)],
  ];
  for (const [, run] of sides) await warm(run);
  const times = { int8: [], fp32: [], ort: [] };
  for (let i = 0; i < runs; i++) {
    for (const [side, run] of sides) {
      const t = performance.now();
      await run();
      times[side].push(performance.now() - t);
    }
  }
  await ortw.release();
  const [a, b, c] = ['int8', 'fp32', 'ort'].map((s) => median(times[s]));
  const row = { name, sourceName, int8Ms: a, fp32Ms: b, ortMs: c, weights: q.weights.byteLength, onnx: int8Bytes.byteLength };
  rows.push(row);
  console.log(`${name}: ours int8 ${a.toFixed(1)} ms, ours fp32 (${sourceName}) ${b.toFixed(1)} ms, ort-web int8 ${c.toFixed(1)} ms; int8/fp32 ${(a / b).toFixed(2)}, int8/ort-web ${(a / c).toFixed(2)}; weights ${fmtBytes(q.weights.byteLength)} (.onnx ${fmtBytes(int8Bytes.byteLength)})`);
}

if (!args['no-write'] && !args.models) {
  const table = [
    '| int8 model | ours int8 | ours fp32 (source) | onnxruntime-web int8 | int8 / our fp32 | int8 / ort-web | weights (.onnx) |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.name} | ${r.int8Ms.toFixed(1)} ms | ${r.fp32Ms.toFixed(1)} ms (${r.sourceName}) | ${r.ortMs.toFixed(1)} ms | ${(r.int8Ms / r.fp32Ms).toFixed(2)} | ${(r.int8Ms / r.ortMs).toFixed(2)} | ${fmtBytes(r.weights)} (${fmtBytes(r.onnx)}) |`),
  ];
  const body = [
    `\`npm run bench:quant\` on ${new Date().toISOString().slice(0, 10)}: medians of ${runs} alternating runs after ${warmMs} ms of warm-up per side, one thread, Node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}. ${loadNote(loadAtStart)} Targets (issue #16): int8 ≤ 0.8× our fp32 build, ≤ 0.4× onnxruntime-web.`,
    '',
    ...table,
  ].join('\n');
  replaceSection(path.join(root, 'docs/benchmarks.md'), 'Quantized models', body);
  console.log('wrote docs/benchmarks.md (Quantized models)');
}
