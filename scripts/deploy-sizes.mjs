// The sizes table of docs/deploy.md ("Measured"), from compiling the models for --target worker
// rather than by hand: `node scripts/deploy-sizes.mjs [--models a,b] [--write | --check]`.
// --write replaces the table's rows of the given models (all by default); --check exits 1 when the
// docs disagree with what the compiler makes now (tests/docs-commands.test.ts checks one model).
// Sizes are deterministic, so they are checked; the timings table has its own script (deploy-timings.mjs).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { compile } from 'onnx2wasm';
import { modelsDir, root } from './bench/models.mjs';

const MODELS = ['mlp', 'transformer_enc', 'mobilenet_v2', 'resnet18'];
const DOC = path.join(root, 'docs/deploy.md');
const START = '<!-- deploy-sizes: rows written by node scripts/deploy-sizes.mjs --write -->';
const END = '<!-- deploy-sizes end -->';
const HEADER = ['| model | `.wasm` (gzip) | weights | linear memory (arena) | Worker isolate share | Worker bundle, gzipped | kernels |', '|---|---|---|---|---|---|---|'];

const { values: args } = parseArgs({ options: { models: { type: 'string' }, write: { type: 'boolean', default: false }, check: { type: 'boolean', default: false } } });
const models = args.models ? args.models.split(',') : MODELS;
for (const m of models) if (!MODELS.includes(m)) throw new Error(`unknown model ${m}; one of ${MODELS.join(', ')}`);

const mib = (n) => (n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / (1024 * 1024)).toFixed(2)} MiB`);

/** One row: the compile summary of `npx onnx2wasm compile <model> -o out --target worker`. */
async function row(model) {
  const s = (await compile(path.join(modelsDir, `${model}.onnx`), { target: 'worker' })).summary;
  return `| ${model} | ${mib(s.wasmBytes)} (${mib(s.wasmGzipBytes)}) | ${mib(s.weightsBytes)} | ${mib(s.memoryBytes)} (${mib(s.arenaBytes)}) | ${mib(s.isolateBytes)} | ${mib(s.scriptGzipBytes)} | ${s.kernels.mode} |`;
}

const text = fs.readFileSync(DOC, 'utf8');
const at = text.indexOf(START), end = text.indexOf(END);
if (at < 0 || end < at) throw new Error(`${DOC} has no ${START} … ${END} block`);
const current = text.slice(at + START.length, end).trim().split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| model'));
const rows = new Map(current.map((l) => [l.split('|')[1].trim(), l]));
let differ = 0;
for (const m of models) {
  const fresh = await row(m);
  console.log(fresh);
  if (rows.get(m) !== fresh) {
    differ++;
    if (args.check) console.error(`docs/deploy.md: ${rows.get(m) ?? `no row for ${m}`}\n   compiler now: ${fresh}`);
  }
  rows.set(m, fresh);
}
if (args.write) {
  const table = [...HEADER, ...MODELS.filter((m) => rows.has(m)).map((m) => rows.get(m))].join('\n');
  fs.writeFileSync(DOC, `${text.slice(0, at + START.length)}\n${table}\n${text.slice(end)}`);
  console.log(`wrote ${path.relative(root, DOC)}`);
}
if (args.check && differ) process.exit(1);
