#!/usr/bin/env node
// node scripts/bench-weights-check.mjs [-- --model resnet18 --runs 7]  (after npm run build)
// What the default weights check costs: loadModel of one compiled model with verifyWeights on and
// off, alternating, medians printed; also the hash alone through Web Crypto and through the
// runtime's fallback. The numbers go to docs/deploy.md by hand (the machine is usually shared).
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compile } from 'onnx2wasm';
import { loadModel } from '@onnx2wasm/runtime';
import { median } from './bench/stats.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({ options: { model: { type: 'string', default: 'resnet18' }, runs: { type: 'string', default: '7' } } });
const runs = Number(args.runs);
const c = await compile(path.resolve(root, '../shared/models', `${args.model}.onnx`));
const { sha256Hex, sha256Fallback } = await import(path.join(root, 'packages/runtime/dist/weights-digest.js'));
const module = await WebAssembly.compile(c.wasm);

const time = async (fn) => { const t0 = performance.now(); await fn(); return performance.now() - t0; };
const on = [], off = [], subtle = [], fallback = [];
for (let i = 0; i < runs + 1; i++) {
  const a = await time(() => loadModel({ wasm: module, weights: c.weights }));
  const b = await time(() => loadModel({ wasm: module, weights: c.weights, verifyWeights: false }));
  const s = await time(() => sha256Hex(c.weights));
  if (i > 0) { on.push(a); off.push(b); subtle.push(s); } // the first round warms up
}
for (let i = 0; i < Math.min(runs, 3); i++) fallback.push(await time(() => sha256Fallback(c.weights)));
const f = (x) => `${x.toFixed(1)} ms`;
const [mOn, mOff] = [median(on), median(off)];
console.log(`${args.model}: weights ${(c.weights.byteLength / 2 ** 20).toFixed(1)} MiB, ${runs} runs (precompiled module)`);
console.log(`  loadModel, verifyWeights on:  ${f(mOn)}`);
console.log(`  loadModel, verifyWeights off: ${f(mOff)}`);
console.log(`  the check: ${f(mOn - mOff)} = ${((mOn - mOff) / mOff * 100).toFixed(1)}% of loadModel`);
console.log(`  SHA-256 alone: Web Crypto ${f(median(subtle))}, fallback ${f(median(fallback))}`);
const bytes = await time(() => loadModel({ wasm: c.wasm, weights: c.weights }));
console.log(`  loadModel from .wasm bytes (compiles the module too), verifyWeights on: ${f(bytes)}`);
