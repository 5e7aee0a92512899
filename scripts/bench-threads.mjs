#!/usr/bin/env node
// npm run bench:threads [-- --models a,b --threads 2,4 --runs N --warmup N --write]
// Threaded builds (docs/threads.md) next to onnxruntime-web, in Node: per model, our 1-thread
// build and our threaded build on each thread count, alternating runs in this process; then
// onnxruntime-web (wasm backend) on 1 and on each thread count, each count in a child process
// because its thread count is process-wide. Prints medians and ratios; with --write replaces the
// "Measured" section of docs/threads.md. Numbers on a shared machine drift: read the ratios.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './bench/stats.mjs';
import { replaceSection } from './bench/doc-section.mjs';
import { modelIndex, modelsDir, root } from './bench/models.mjs';

const { values: args } = parseArgs({
  options: {
    models: { type: 'string', default: 'resnet18,mobilenet_v2,transformer_enc' },
    threads: { type: 'string', default: '2' },
    runs: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    write: { type: 'boolean', default: false },
    // Internal: time onnxruntime-web on this many threads for one model and print the median as JSON.
    'ort-child': { type: 'string' },
    model: { type: 'string' },
  },
});
const runs = Number(args.runs), warmup = Number(args.warmup);
const counts = args.threads.split(',').map(Number);
const input = (dims) => Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.37) * 0.5);

if (args['ort-child']) {
  const { createOrtWebThreads } = await import('./bench/ort-web-threads.mjs');
  const m = modelIndex()[args.model];
  const session = await createOrtWebThreads(new Uint8Array(fs.readFileSync(path.join(modelsDir, m.file))), Number(args['ort-child']));
  const data = input(m.input_shape);
  for (let i = 0; i < warmup; i++) await session.run('input', m.input_shape, data);
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await session.run('input', m.input_shape, data);
    times.push(performance.now() - t);
  }
  console.log(JSON.stringify({ ms: median(times) }));
  process.exit(0); // ort-web's worker threads keep the process alive
}

const { compile } = await import('onnx2wasm');
const { loadModel } = await import('@onnx2wasm/runtime');

/** onnxruntime-web's median on `threads` threads, from a child process. */
function ortWeb(model, threads) {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [self, '--ort-child', String(threads), '--model', model, '--runs', String(runs), '--warmup', String(warmup)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`onnxruntime-web on ${threads} threads failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()).ms;
}

const index = modelIndex();
const rows = [];
for (const name of args.models.split(',')) {
  const m = index[name];
  if (!m) { console.error(`unknown model '${name}'`); process.exit(2); }
  const dims = m.input_shape;
  const feeds = { input: { dtype: 'float32', dims, data: input(dims) } };
  const c = await compile(path.join(modelsDir, m.file), { inputShapes: { input: dims }, threads: Math.max(...counts) });
  const models = [await loadModel({ wasm: c.wasm, weights: c.weights })];
  for (const n of counts) models.push(await loadModel({ wasm: c.wasm, threadsWasm: c.threadsWasm, weights: c.weights, threads: n }));
  for (const x of models) for (let i = 0; i < warmup; i++) await x.run(feeds);
  const times = models.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [k, x] of models.entries()) {
      const t = performance.now();
      await x.run(feeds);
      times[k].push(performance.now() - t);
    }
  }
  const ours = times.map(median);
  for (const x of models) x.dispose();
  const ort = [ortWeb(name, 1), ...counts.map((n) => ortWeb(name, n))];
  const row = { name, ours, ort, threads: models.slice(1).map((x) => x.info.threads) };
  rows.push(row);
  const cells = counts.map((n, k) => `${n}T ours ${ours[k + 1].toFixed(1)} ms (${(ours[k + 1] / ours[0]).toFixed(2)}× our 1T, ${(ours[k + 1] / ort[k + 1]).toFixed(2)}× ort-web ${n}T ${ort[k + 1].toFixed(1)} ms)`);
  console.log(`${name}: 1T ours ${ours[0].toFixed(1)} ms, ort-web ${ort[0].toFixed(1)} ms; ${cells.join('; ')}`);
}

const header = `| model | ours 1T | ${counts.map((n) => `ours ${n}T | ×1T`).join(' | ')} | ort-web 1T | ${counts.map((n) => `ort-web ${n}T | ours/ort ${n}T`).join(' | ')} |`;
const rule = header.replace(/[^|]+/g, '---');
const lines = rows.map((r) => `| ${r.name} | ${r.ours[0].toFixed(1)} | ${counts.map((_, k) => `${r.ours[k + 1].toFixed(1)} | ${(r.ours[k + 1] / r.ours[0]).toFixed(2)}`).join(' | ')} | ${r.ort[0].toFixed(1)} | ${counts.map((_, k) => `${r.ort[k + 1].toFixed(1)} | ${(r.ours[k + 1] / r.ort[k + 1]).toFixed(2)}`).join(' | ')} |`);
const table = [header, rule, ...lines].join('\n');
console.log(`\n${table}`);
if (args.write) {
  const note = `\`npm run bench:threads -- --threads ${args.threads} --runs ${runs}\` on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}; medians in ms, ours alternating in one process, onnxruntime-web one process per thread count.`;
  replaceSection(path.join(root, 'docs/threads.md'), 'Measured', `${note}\n\n${table}`);
}
