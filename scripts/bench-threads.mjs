#!/usr/bin/env node
// npm run bench:threads [-- --models a,b --threads 2,4 --runs N --warmup-ms MS --write]
// Threaded builds (docs/threads.md) next to onnxruntime-web, in Node. onnxruntime-web's thread
// count is process-wide, so each thread count n is measured in its own child process, which runs
// side by side, alternating in blocks of runs: our 1-thread build, our threaded build on n threads
// and onnxruntime-web (wasm backend) on n threads (n = 1: our 1-thread build and onnxruntime-web on 1).
// Each side is first warmed for --warmup-ms of runs (V8 tiers a large module up gradually). Prints
// medians and ratios; with --write replaces the "Measured" section of docs/threads.md. Absolute
// times on a shared machine drift: read the ratios, which come from one process each.
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
    runs: { type: 'string', default: '15' },
    'warmup-ms': { type: 'string', default: '1500' },
    write: { type: 'boolean', default: false },
    // Internal: one child's measurement (thread count, model name, folder of the compiled files).
    child: { type: 'string' },
    model: { type: 'string' },
    dir: { type: 'string' },
  },
});
const runs = Number(args.runs), warmupMs = Number(args['warmup-ms']);
const BLOCK = 4; // timed runs per side in a row (see measureInChild)
const counts = args.threads.split(',').map(Number);
const input = (dims) => Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.37) * 0.5);

if (args.child) {
  console.log(JSON.stringify(await measureInChild(Number(args.child), args.model, args.dir)));
  process.exit(0); // onnxruntime-web's worker threads keep the process alive
}

/** In a child: warm every side, then alternate timed runs; medians in ms and the threads ours got. */
async function measureInChild(n, name, dir) {
  const { createOrtWebThreads } = await import('./bench/ort-web-threads.mjs');
  const { loadModel } = await import('@onnx2wasm/runtime');
  const m = modelIndex()[name];
  const dims = m.input_shape, data = input(dims);
  const read = (f) => new Uint8Array(fs.readFileSync(path.join(dir, f)));
  const feeds = { input: { dtype: 'float32', dims, data } };
  const ours1 = await loadModel({ wasm: read('model.wasm'), weights: read('model.weights') });
  const oursN = n > 1 ? await loadModel({ wasm: read('model.wasm'), threadsWasm: read('model.threads.wasm'), weights: read('model.weights'), threads: n }) : undefined;
  const ort = await createOrtWebThreads(new Uint8Array(fs.readFileSync(path.join(modelsDir, m.file))), n);
  const sides = [() => ours1.run(feeds), ...(oursN ? [() => oursN.run(feeds)] : []), () => ort.run('input', dims, data)];
  const spent = sides.map(() => 0);
  do { // warm up round-robin until every side has run for warmupMs (at least one run each)
    for (const [k, run] of sides.entries()) { const t = performance.now(); await run(); spent[k] += performance.now() - t; }
  } while (spent.some((ms) => ms < warmupMs));
  // Timed in alternating blocks, the first run of each block untimed: after a run, onnxruntime-web's
  // idle threads spin for milliseconds (and ours for a fraction of one), taking the second core
  // from whichever side runs next. Run by run alternation measured that interference (our 2-thread
  // mobilenet_v2 at 2.5x its time alone), not either side; blocks keep the drift-cancelling order.
  const times = sides.map(() => []);
  while (times[0].length < runs) {
    for (const [k, run] of sides.entries()) {
      for (let i = 0; i <= BLOCK; i++) { const t = performance.now(); await run(); if (i > 0) times[k].push(performance.now() - t); }
    }
  }
  const ms = times.map(median);
  const result = { ours1: ms[0], oursN: oursN ? ms[1] : undefined, ort: ms.at(-1), threads: oursN?.info.threads ?? 1, reason: oursN?.info.reason };
  ours1.dispose();
  oursN?.dispose();
  return result;
}

function child(n, name, dir) {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [self, '--child', String(n), '--model', name, '--dir', dir, '--runs', String(runs), '--warmup-ms', String(warmupMs)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the ${n}-thread measurement of ${name} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const { compile } = await import('onnx2wasm');
const index = modelIndex();
const rows = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-threads-'));
try {
  for (const name of args.models.split(',')) {
    const m = index[name];
    if (!m) { console.error(`unknown model '${name}'`); process.exit(2); }
    const c = await compile(path.join(modelsDir, m.file), { inputShapes: { input: m.input_shape }, threads: Math.max(...counts), relaxedSimd: false });
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'model.wasm'), c.wasm);
    fs.writeFileSync(path.join(dir, 'model.threads.wasm'), c.threadsWasm);
    fs.writeFileSync(path.join(dir, 'model.weights'), c.weights);
    const one = child(1, name, dir);
    const many = counts.map((n) => child(n, name, dir));
    for (const [k, r] of many.entries()) {
      if (r.threads !== counts[k]) console.warn(`${name}: asked for ${counts[k]} threads, ran ${r.threads}${r.reason ? ` (${r.reason})` : ''}`);
    }
    rows.push({ name, one, many });
    const cells = counts.map((n, k) => {
      const r = many[k];
      return `${n}T ours ${r.oursN.toFixed(1)} ms (${(r.oursN / r.ours1).toFixed(2)}× our 1T ${r.ours1.toFixed(1)} ms; ${(r.oursN / r.ort).toFixed(2)}× ort-web ${n}T ${r.ort.toFixed(1)} ms)`;
    });
    console.log(`${name}: 1T ours ${one.ours1.toFixed(1)} ms, ort-web ${one.ort.toFixed(1)} ms (${(one.ours1 / one.ort).toFixed(2)}×); ${cells.join('; ')}`);
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

const header = `| model | ours 1T | ort-web 1T | ours/ort 1T | ${counts.map((n) => `ours ${n}T | ×our 1T | ort-web ${n}T | ours/ort ${n}T`).join(' | ')} |`;
const rule = header.replace(/[^|]+/g, '---');
const lines = rows.map(({ name, one, many }) => `| ${name} | ${one.ours1.toFixed(1)} | ${one.ort.toFixed(1)} | ${(one.ours1 / one.ort).toFixed(2)} | ${many.map((r) => `${r.oursN.toFixed(1)} | ${(r.oursN / r.ours1).toFixed(2)} | ${r.ort.toFixed(1)} | ${(r.oursN / r.ort).toFixed(2)}`).join(' | ')} |`);
const table = [header, rule, ...lines].join('\n');
console.log(`\n${table}`);
if (args.write) {
  const load = os.loadavg()[0].toFixed(1);
  const note = `\`npm run bench:threads -- --threads ${args.threads} --runs ${runs}\` on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, load average ${load} at the end. One child process per thread count; in it our 1-thread build, our threaded build and onnxruntime-web on that count alternate in blocks of ${BLOCK + 1} runs (the first of each block untimed: an engine's idle threads spin for a while after a run and would slow the next side's first run) after ${warmupMs} ms of warm-up each; medians of ${runs} runs in ms. "×our 1T" divides by our 1-thread build timed in the same process.`;
  replaceSection(path.join(root, 'docs/threads.md'), 'Measured', `${note}\n\n${table}`);
}
