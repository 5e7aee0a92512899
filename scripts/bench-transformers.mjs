#!/usr/bin/env node
// npm run bench:transformers [-- --models a,b --runs N --warm-ms MS --relaxed --write]
// Full-size transformers (random weights, exported by scripts/fixtures/make-transformer-bench.py
// into .cache/transformer-bench: too large to commit) with their input shapes pinned, onnx2wasm
// next to onnxruntime-web (wasm backend, 1 thread, SIMD) in this one process: each side warmed for
// at least --warm-ms, then --runs alternating runs, medians (process CPU time, and wall time) and
// the ratio ours / ort-web.
// --relaxed compiles ours with relaxed SIMD (FMA); the script re-runs itself under
// `node --experimental-wasm-relaxed-simd` when the flag is missing. --write puts the table into
// docs/benchmarks.md (section "Transformers"). A script, not a test: times drift on shared machines.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-web';
import { compile } from 'onnx2wasm';
import { loadModel } from '@onnx2wasm/runtime';
import { fmtBytes, loadNote, median } from './bench/stats.mjs';

const loadAtStart = os.loadavg()[0];
import { replaceSection } from './bench/doc-section.mjs';
import { root } from './bench/models.mjs';
import { MAKE_TRANSFORMERS as MAKE, TRANSFORMERS as MODELS, transformerFile } from './bench/transformer-models.mjs';

const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';
const { values: args } = parseArgs({
  options: {
    models: { type: 'string' },
    runs: { type: 'string', default: '15' },
    'warm-ms': { type: 'string', default: '1500' },
    relaxed: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
  },
});
if (args.relaxed && !process.execArgv.includes(RELAXED_FLAG)) {
  const r = spawnSync(process.execPath, [RELAXED_FLAG, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

ort.env.wasm.numThreads = 1;
ort.env.wasm.simd = true;
ort.env.logLevel = 'error';

/** Runs `f` until `ms` have passed (at least twice). */
async function warm(f, ms) {
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < ms || n < 2) { await f(); n++; }
}

const names = args.models ? args.models.split(',') : Object.keys(MODELS);
const rows = [];
for (const name of names) {
  const m = MODELS[name];
  if (!m) { console.error(`unknown model '${name}' (one of ${Object.keys(MODELS).join(', ')})`); process.exit(2); }
  const file = transformerFile(name);
  const feeds = m.feeds();
  const bytes = fs.readFileSync(file);
  let t = performance.now();
  const c = await compile(bytes, { inputShapes: Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, v.dims])), relaxedSimd: args.relaxed });
  const compileMs = performance.now() - t;
  const ours = await loadModel({ wasm: c.wasm, weights: c.weights });
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor(v.dtype, v.data, v.dims)]));
  const sides = { ours: () => ours.run(feeds), ort: () => session.run(ortFeeds) };

  // The outputs agree before anything is timed (random weights: a loose check that both ran the same model).
  const [a, b] = [await sides.ours(), await sides.ort()];
  const out = Object.keys(a)[0];
  let maxDiff = 0;
  for (let i = 0; i < a[out].data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[out].data[i] - b[out].data[i]));

  const warmMs = Number(args['warm-ms']);
  await warm(sides.ours, warmMs);
  await warm(sides.ort, warmMs);
  // Process CPU time as well as wall time: both sides run on this one thread, and on a shared
  // machine the wall clock also counts the time this process waits for a core.
  const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
  const times = { ours: [], ort: [] }, cpu = { ours: [], ort: [] };
  for (let i = 0; i < Number(args.runs); i++) {
    for (const side of i % 2 ? ['ort', 'ours'] : ['ours', 'ort']) {
      const c0 = cpuMs();
      t = performance.now();
      await sides[side]();
      times[side].push(performance.now() - t);
      cpu[side].push(cpuMs() - c0);
    }
  }
  await session.release();
  const row = { name, what: m.what, ours: median(cpu.ours), ort: median(cpu.ort), oursWall: median(times.ours), ortWall: median(times.ort), compileMs, weights: c.weights.byteLength, onnx: bytes.byteLength, maxDiff };
  row.ratio = row.ours / row.ort;
  row.wallRatio = row.oursWall / row.ortWall;
  rows.push(row);
  console.log(`${name.padEnd(22)} CPU ours ${row.ours.toFixed(2).padStart(8)} ms  ort-web ${row.ort.toFixed(2).padStart(8)} ms  ratio ${row.ratio.toFixed(2)}  (wall ${row.oursWall.toFixed(2)} / ${row.ortWall.toFixed(2)} ms, ratio ${row.wallRatio.toFixed(2)})  max |diff| ${maxDiff.toExponential(1)}  compile ${(compileMs / 1000).toFixed(1)} s  weights ${fmtBytes(row.weights)} (.onnx ${fmtBytes(row.onnx)})`);
}

if (args.write) {
  const cmd = `npm run bench:transformers${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`;
  const body = [
    `Full-size transformers with random weights (TorchScript exporter, opset 17; made by \`${MAKE}\` into the gitignored \`.cache/transformer-bench\`), input shapes pinned, onnx2wasm (${args.relaxed ? 'relaxed-SIMD build, `node --experimental-wasm-relaxed-simd`' : 'SIMD128 build'}) next to onnxruntime-web ${JSON.parse(fs.readFileSync(path.join(root, 'node_modules/onnxruntime-web/package.json'), 'utf8')).version} (wasm, 1 thread, SIMD) in one Node ${process.version} process: each side warmed for ${args['warm-ms']} ms, then ${args.runs} alternating runs each; medians of process CPU time per run (both run on the one JS thread; the wall-clock medians are in their own column). ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${new Date().toISOString().slice(0, 10)}, \`${cmd}\`. ${loadNote(loadAtStart)}`,
    '',
    '| model | onnx2wasm CPU ms | onnxruntime-web CPU ms | ratio | wall ms ours / ort-web (ratio) | weights (.onnx) |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.name}: ${r.what} | ${r.ours.toFixed(2)} | ${r.ort.toFixed(2)} | ${r.ratio.toFixed(2)} | ${r.oursWall.toFixed(2)} / ${r.ortWall.toFixed(2)} (${r.wallRatio.toFixed(2)}) | ${fmtBytes(r.weights)} (${fmtBytes(r.onnx)}) |`),
  ].join('\n');
  replaceSection(path.join(root, 'docs/benchmarks.md'), args.relaxed ? 'Transformers (relaxed SIMD)' : 'Transformers', body);
  console.log('wrote docs/benchmarks.md');
}
process.exit(0);
