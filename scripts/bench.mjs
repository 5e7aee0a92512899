#!/usr/bin/env node
// npm run bench [-- --models a,b --runs N --warmup N --no-write]
// Runs each shared model with onnx2wasm and with onnxruntime-web (wasm backend, 1 thread) in this one
// process, alternating runs after warm-up, and prints medians and the ratio. Absolute times drift on
// shared machines; the ratio within one run is the number to read. Writes docs/benchmarks.md.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { compile } from 'onnx2wasm';
import { loadModel } from '@onnx2wasm/runtime';
import { createOrtWeb } from './bench/ort-web.mjs';
import { fmtBytes, median } from './bench/stats.mjs';
import { readSection } from './bench/doc-section.mjs';
import { modelIndex, modelsDir, root } from './bench/models.mjs';

const { values: args } = parseArgs({
  options: {
    models: { type: 'string' },
    runs: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
    'no-write': { type: 'boolean', default: false },
    relaxed: { type: 'boolean', default: false },
  },
});
const index = modelIndex();
const names = args.models ? args.models.split(',') : Object.keys(index);
const runs = Number(args.runs), warmup = Number(args.warmup);

function input(dims) {
  const n = dims.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 0.5);
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
    const c = await compile(bytes, { inputShapes: { input: dims }, relaxedSimd: args.relaxed });
    const compileMs = performance.now() - t;

    t = performance.now();
    const ours = await loadModel({ wasm: c.wasm, weights: c.weights });
    await ours.run({ input: { dtype: 'float32', dims, data } });
    const oursCold = performance.now() - t;

    t = performance.now();
    const ortw = await createOrtWeb(bytes);
    await ortw.run('input', dims, data);
    const ortCold = performance.now() - t;

    for (let i = 0; i < warmup; i++) {
      await ours.run({ input: { dtype: 'float32', dims, data } });
      await ortw.run('input', dims, data);
    }
    const tOurs = [], tOrt = [];
    for (let i = 0; i < runs; i++) {
      t = performance.now(); await ours.run({ input: { dtype: 'float32', dims, data } }); tOurs.push(performance.now() - t);
      t = performance.now(); await ortw.run('input', dims, data); tOrt.push(performance.now() - t);
    }
    await ortw.release();
    const row = {
      model: name, oursMs: median(tOurs), ortMs: median(tOrt), ratio: median(tOurs) / median(tOrt),
      oursCold, ortCold, compileMs, wasm: c.wasm.byteLength, wasmGz: gzipSync(c.wasm).byteLength,
      weights: c.weights.byteLength, arena: c.summary.arenaBytes,
    };
    rows.push(row);
    console.log(`${name.padEnd(20)} ours ${row.oursMs.toFixed(2).padStart(8)} ms  ort-web ${row.ortMs.toFixed(2).padStart(8)} ms  ratio ${row.ratio.toFixed(2)}  cold ${oursCold.toFixed(0)}/${ortCold.toFixed(0)} ms  compile ${compileMs.toFixed(0)} ms  wasm ${fmtBytes(row.wasm)} (gz ${fmtBytes(row.wasmGz)})`);
  } catch (e) {
    console.log(`${name.padEnd(20)} failed: ${e.message.split('\n')[0]}`);
    rows.push({ model: name, error: e.message.split('\n')[0] });
  }
}

if (!args['no-write']) {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const cmd = `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`;
  const table = [
    '| model | onnx2wasm median ms | onnxruntime-web median ms | ratio | cold start ours / ort-web ms | compile ms | wasm | wasm gzip | weights | arena |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => r.error
      ? `| ${r.model} | failed: ${r.error.replace(/\|/g, '/')} | | | | | | | | |`
      : `| ${r.model} | ${r.oursMs.toFixed(2)} | ${r.ortMs.toFixed(2)} | ${r.ratio.toFixed(2)} | ${r.oursCold.toFixed(0)} / ${r.ortCold.toFixed(0)} | ${r.compileMs.toFixed(0)} | ${fmtBytes(r.wasm)} | ${fmtBytes(r.wasmGz)} | ${fmtBytes(r.weights)} | ${fmtBytes(r.arena)} |`),
  ].join('\n');
  const doc = `# Benchmarks

onnx2wasm against onnxruntime-web ${JSON.parse(fs.readFileSync(path.join(root, 'node_modules/onnxruntime-web/package.json'), 'utf8')).version} (wasm backend, \`numThreads = 1\`, SIMD), both in one Node ${process.version} process, alternating runs after ${warmup} warm-up runs; ${runs} timed runs each; medians. The ratio is ours / onnxruntime-web (lower is better). Absolute times drift on shared machines; read the ratio.

- Machine: ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB
- Date: ${new Date().toISOString().slice(0, 10)}
- Command: \`${cmd}\`${args.relaxed ? '\n- Build: relaxed SIMD (FMA)' : '\n- Build: SIMD128'}
- Cold start: load + instantiate + first run (ours: from compiled bytes; onnxruntime-web: session creation from the .onnx bytes + first run).

${table}
`;
  fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
  // The sections other scripts write (npm run bench:kernels, bench:dynamic, bench-winograd) are kept as they were.
  const kept = ['Kernels', 'Winograd dispatch', 'Dynamic shapes', 'Layout', 'Profile', 'Transformers', 'Transformers (relaxed SIMD)', 'Transformers: where the time went', 'Edge', 'Edge: bounds checks'].map((t) => [t, readSection(path.join(root, 'docs/benchmarks.md'), t)]).filter(([, b]) => b);
  fs.writeFileSync(path.join(root, 'docs/benchmarks.md'), doc + kept.map(([t, b]) => `\n## ${t}\n\n${b}\n`).join(''));
  console.log('wrote docs/benchmarks.md');
}
process.exit(0);
