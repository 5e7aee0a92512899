#!/usr/bin/env node
// npm run bench:cold [-- --models a,b --samples N --node-flags="..." --no-write]
// Cold start in fresh Node processes: each shared model is compiled once into a temporary folder
// (as `onnx2wasm compile` writes it), then every sample is a new process (scripts/bench/cold-child.mjs)
// that times from importing the glue (our model.js + load(); onnxruntime-web: import +
// InferenceSession.create from the .onnx file) to the first output, then a second and some warm
// runs. Samples alternate ours / onnxruntime-web. Prints medians and ratios; writes the
// "Cold start" section of docs/benchmarks.md.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { compile } from 'onnx2wasm';
import { loadNote, median } from './bench/stats.mjs';
import { replaceSection } from './bench/doc-section.mjs';
import { modelIndex, modelsDir, root } from './bench/models.mjs';

const { values: args } = parseArgs({
  options: {
    models: { type: 'string' },
    samples: { type: 'string', default: '3' },
    'node-flags': { type: 'string', default: '' },
    'no-write': { type: 'boolean', default: false },
  },
});
const index = modelIndex();
const names = args.models ? args.models.split(',') : Object.keys(index);
const samples = Math.max(1, Number(args.samples));
const nodeFlags = args['node-flags'].split(' ').filter(Boolean);
const child = path.join(root, 'scripts/bench/cold-child.mjs');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx2wasm-cold-'));
const loadAtStart = os.loadavg()[0];

/** One fresh process; its JSON line of times. */
function sample(mode, where, dims) {
  const out = execFileSync(process.execPath, [...nodeFlags, child, mode, where, JSON.stringify(dims)], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop());
}

const rows = [];
try {
  for (const name of names) {
    const m = index[name];
    if (!m) { console.error(`unknown model '${name}'`); process.exit(2); }
    const file = path.join(modelsDir, m.file);
    const dims = m.input_shape;
    const c = await compile(file, { inputShapes: { input: dims } });
    const dir = path.join(tmp, name);
    for (const [f, bytes] of Object.entries(c.files)) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), bytes);
    }
    const ours = [], ort = [];
    for (let i = 0; i < samples; i++) {
      ours.push(sample('ours', dir, dims));
      ort.push(sample('ort', file, dims));
    }
    const med = (xs, k) => median(xs.map((x) => x[k]));
    const row = {
      model: name,
      ours: { cold: med(ours, 'coldMs'), load: med(ours, 'loadMs'), first: med(ours, 'firstMs'), second: med(ours, 'secondMs'), warm: med(ours, 'warmMs') },
      ort: { cold: med(ort, 'coldMs'), first: med(ort, 'firstMs'), warm: med(ort, 'warmMs') },
    };
    row.ratio = row.ours.cold / row.ort.cold;
    row.firstOverWarm = row.ours.first / row.ours.warm;
    rows.push(row);
    console.log(`${name.padEnd(20)} cold ours ${row.ours.cold.toFixed(0).padStart(6)} ms  ort-web ${row.ort.cold.toFixed(0).padStart(6)} ms  ratio ${row.ratio.toFixed(2)}  ours load ${row.ours.load.toFixed(0)} first ${row.ours.first.toFixed(1)} second ${row.ours.second.toFixed(1)} warm ${row.ours.warm.toFixed(1)} ms  first/warm ${row.firstOverWarm.toFixed(2)}`);
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

if (!args['no-write']) {
  const cmd = `npm run bench:cold${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`;
  const f = (x) => x.toFixed(x < 10 ? 1 : 0);
  const body = [
    `Fresh Node ${process.version} processes, one per sample, ${samples} samples per side alternating ours / onnxruntime-web (wasm backend, 1 thread, SIMD); medians. Cold start = from the import of the glue (our compiled folder's \`model.js\`, then \`load()\`; onnxruntime-web: \`import\`, then \`InferenceSession.create\` from the .onnx file) to the first output; process start-up is not counted. Then, in the same process: our second run and the median of 5 warm runs. ${os.cpus()[0]?.model ?? 'unknown CPU'}. ${loadNote(loadAtStart)} ${new Date().toISOString().slice(0, 10)}, \`${cmd}\`.`,
    '',
    '| model | cold ours ms | cold onnxruntime-web ms | ratio | ours: load ms | first run ms | second run ms | warm run ms | first / warm |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.model} | ${f(r.ours.cold)} | ${f(r.ort.cold)} | ${r.ratio.toFixed(2)} | ${f(r.ours.load)} | ${f(r.ours.first)} | ${f(r.ours.second)} | ${f(r.ours.warm)} | ${r.firstOverWarm.toFixed(2)} |`),
  ].join('\n');
  replaceSection(path.join(root, 'docs/benchmarks.md'), 'Cold start', body);
  console.log('wrote docs/benchmarks.md (Cold start)');
}
process.exit(0);
