#!/usr/bin/env node
// npm run bench [-- --models a,b --runs N --warmup N --warmup-ms MS --no-cold --no-write]
// Runs each shared model with onnx2wasm and with onnxruntime-web (wasm backend, 1 thread) in this one
// process, alternating runs after warm-up, and prints medians and the ratio. The relaxed-SIMD (FMA)
// build of the same compile runs in the same alternation, in this process (on Node 20 the script runs
// itself again with --experimental-wasm-relaxed-simd). Absolute times drift on
// shared machines; the ratio within one run is the number to read. Writes docs/benchmarks.md, then
// runs the fresh-process cold-start bench (scripts/bench-cold.mjs) for the same models.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compile } from 'onnx2wasm';
import { loadModel, relaxedSimdSupported } from '@onnx2wasm/runtime';
import { createOrtWeb } from './bench/ort-web.mjs';
import { fmtBytes, median } from './bench/stats.mjs';
import { readSections } from './bench/doc-section.mjs';
import { modelIndex, modelsDir, root } from './bench/models.mjs';

const { values: args } = parseArgs({
  options: {
    models: { type: 'string' },
    runs: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
    // Warm each side for at least this long too: V8 tiers a large module up gradually, and a few
    // warm-up runs flatter whichever side tiers up faster.
    'warmup-ms': { type: 'string', default: '1500' },
    'no-write': { type: 'boolean', default: false },
    'no-cold': { type: 'boolean', default: false },
  },
});
// The relaxed build runs in this process, alternating with the others. Timed in a child process
// (another core, its caches cold after every message) it came out 0.8-1.5x the SIMD128 build on
// shufflenet_v2 and transformer_enc from run to run, against 0.8-0.85x in-process. Node 20 runs
// relaxed SIMD only with a flag, so the script runs itself again with it.
if (!relaxedSimdSupported() && !process.execArgv.includes('--experimental-wasm-relaxed-simd')) {
  const again = spawnSync(process.execPath, [...process.execArgv, '--experimental-wasm-relaxed-simd', fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(again.status ?? 1);
}
const index = modelIndex();
const names = args.models ? args.models.split(',') : Object.keys(index);
const runs = Number(args.runs), warmup = Number(args.warmup), warmupMs = Number(args['warmup-ms']);
const loadAtStart = os.loadavg()[0];

function input(dims) {
  const n = dims.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 0.5);
}

/** The relaxed build as a run() that resolves to its time in ms, or undefined where this engine lacks relaxed SIMD. */
async function relaxedRunner(c, dims, data) {
  if (!relaxedSimdSupported()) return undefined;
  const m = await loadModel({ wasm: c.wasm, relaxedWasm: c.relaxedWasm, weights: c.weights });
  const feeds = { input: { dtype: 'float32', dims, data } };
  return { run: async () => { const t = performance.now(); await m.run(feeds); return performance.now() - t; }, close() {} };
}

const rows = [];
for (const name of names) {
  const m = index[name];
  if (!m) { console.error(`unknown model '${name}'`); process.exit(2); }
  const file = path.join(modelsDir, m.file);
  const dims = m.input_shape;
  const data = input(dims);
  const bytes = new Uint8Array(fs.readFileSync(file));
  try {
    let t = performance.now();
    const c = await compile(bytes, { inputShapes: { input: dims } });
    const compileMs = performance.now() - t;

    t = performance.now();
    const ours = await loadModel({ wasm: c.wasm, weights: c.weights });
    await ours.run({ input: { dtype: 'float32', dims, data } });
    const oursCold = performance.now() - t;

    t = performance.now();
    const ortw = await createOrtWeb(bytes);
    await ortw.run('input', dims, data);
    const ortCold = performance.now() - t;

    const relaxed = c.relaxedWasm ? await relaxedRunner(c, dims, data) : undefined;
    const spent = [0, 0, 0];
    for (let i = 0; i < warmup || spent[0] < warmupMs || spent[1] < warmupMs || (relaxed && spent[2] < warmupMs); i++) {
      t = performance.now(); await ours.run({ input: { dtype: 'float32', dims, data } }); spent[0] += performance.now() - t;
      t = performance.now(); await ortw.run('input', dims, data); spent[1] += performance.now() - t;
      if (relaxed) spent[2] += await relaxed.run();
    }
    const tOurs = [], tOrt = [], tRelaxed = [];
    for (let i = 0; i < runs; i++) {
      t = performance.now(); await ours.run({ input: { dtype: 'float32', dims, data } }); tOurs.push(performance.now() - t);
      t = performance.now(); await ortw.run('input', dims, data); tOrt.push(performance.now() - t);
      if (relaxed) tRelaxed.push(await relaxed.run());
    }
    relaxed?.close();
    await ortw.release();
    const row = {
      model: name, oursMs: median(tOurs), ortMs: median(tOrt), ratio: median(tOurs) / median(tOrt),
      relaxedMs: tRelaxed.length ? median(tRelaxed) : undefined, relaxedRatio: tRelaxed.length ? median(tRelaxed) / median(tOrt) : undefined,
      relaxedWasm: c.relaxedWasm?.byteLength,
      oursCold, ortCold, compileMs, wasm: c.wasm.byteLength, wasmGz: gzipSync(c.wasm).byteLength,
      weights: c.weights.byteLength, arena: c.summary.arenaBytes,
    };
    rows.push(row);
    const relaxedText = row.relaxedMs === undefined ? '' : `  relaxed ${row.relaxedMs.toFixed(2)} ms (ratio ${row.relaxedRatio.toFixed(2)})`;
    console.log(`${name.padEnd(20)} ours ${row.oursMs.toFixed(2).padStart(8)} ms  ort-web ${row.ortMs.toFixed(2).padStart(8)} ms  ratio ${row.ratio.toFixed(2)}${relaxedText}  cold ${oursCold.toFixed(0)}/${ortCold.toFixed(0)} ms  compile ${compileMs.toFixed(0)} ms  wasm ${fmtBytes(row.wasm)} (gz ${fmtBytes(row.wasmGz)})`);
  } catch (e) {
    console.log(`${name.padEnd(20)} failed: ${e.message.split('\n')[0]}`);
    rows.push({ model: name, error: e.message.split('\n')[0] });
  }
}

if (!args['no-write']) {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const cmd = `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`;
  const table = [
    '| model | onnx2wasm median ms | onnxruntime-web median ms | ratio | relaxed (FMA) median ms | relaxed ratio | cold start ours / ort-web ms | compile ms | wasm | relaxed wasm | wasm gzip | weights | arena |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => r.error
      ? `| ${r.model} | failed: ${r.error.replace(/\|/g, '/')} | | | | | | | | | | | |`
      : `| ${r.model} | ${r.oursMs.toFixed(2)} | ${r.ortMs.toFixed(2)} | ${r.ratio.toFixed(2)} | ${r.relaxedMs?.toFixed(2) ?? '–'} | ${r.relaxedRatio?.toFixed(2) ?? '–'} | ${r.oursCold.toFixed(0)} / ${r.ortCold.toFixed(0)} | ${r.compileMs.toFixed(0)} | ${fmtBytes(r.wasm)} | ${r.relaxedWasm === undefined ? '–' : fmtBytes(r.relaxedWasm)} | ${fmtBytes(r.wasmGz)} | ${fmtBytes(r.weights)} | ${fmtBytes(r.arena)} |`),
  ].join('\n');
  const doc = `# Benchmarks

onnx2wasm against onnxruntime-web ${JSON.parse(fs.readFileSync(path.join(root, 'node_modules/onnxruntime-web/package.json'), 'utf8')).version} (wasm backend, \`numThreads = 1\`, SIMD), both in one Node ${process.version} process, alternating runs after at least ${warmup} warm-up runs and ${warmupMs} ms of them per side; ${runs} timed runs each; medians. The ratio is ours / onnxruntime-web (lower is better). Absolute times drift on shared machines; read the ratio.

- Machine: ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; load average ${loadAtStart.toFixed(1)} when the run started${loadAtStart > os.cpus().length ? ' (other jobs shared it: read the ratios)' : ''}
- Date: ${new Date().toISOString().slice(0, 10)}
- Command: \`${cmd}\`
- Builds: SIMD128 (\`model.wasm\`) and, from the same compile, the relaxed-SIMD FMA build (\`model.relaxed.wasm\`, the default second build; run in the same process and alternation; Node 20 runs the script with \`--experimental-wasm-relaxed-simd\`). The relaxed ratio is relaxed / onnxruntime-web.
- Cold start column: load + instantiate + first run inside this warm process (ours: from compiled bytes; onnxruntime-web: session creation from the .onnx bytes + first run). Fresh-process cold start is in "Cold start" below.

${table}
`;
  fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
  // The sections other scripts write (bench:cold, bench:kernels, bench:dynamic, bench:quant, …) are kept as they were, in their order.
  const kept = [...readSections(path.join(root, 'docs/benchmarks.md'))];
  fs.writeFileSync(path.join(root, 'docs/benchmarks.md'), doc + kept.map(([t, b]) => `\n## ${t}\n\n${b}\n`).join(''));
  console.log('wrote docs/benchmarks.md');
}
if (!args['no-cold']) {
  // Fresh processes, after this process's work: scripts/bench-cold.mjs for the same models.
  const cold = spawnSync(process.execPath, [path.join(root, 'scripts/bench-cold.mjs'), '--models', names.join(','), ...(args['no-write'] ? ['--no-write'] : [])], { stdio: 'inherit' });
  if (cold.status !== 0) process.exit(cold.status ?? 1);
}
process.exit(0);
