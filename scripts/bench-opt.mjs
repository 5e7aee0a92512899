#!/usr/bin/env node
// npm run bench:opt [-- --models a,b --runs N]
// The optimizer's effect on latency: each shared model compiled with the full pipeline and with
// --no-opt, run alternately in one process after warm-up; prints medians and the ratio.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { compile } from 'onnx2wasm';
import { loadModel } from '@onnx2wasm/runtime';
import { median } from './bench/stats.mjs';
import { modelIndex, modelsDir } from './bench/models.mjs';

const { values: args } = parseArgs({ options: { models: { type: 'string' }, runs: { type: 'string', default: '10' }, warmup: { type: 'string', default: '2' } } });
const index = modelIndex();
const names = args.models ? args.models.split(',') : Object.keys(index);

console.log('| model | ONNX nodes | IR nodes after import | after optimization | arena bytes | naive bytes | --no-opt ms | full ms | full / no-opt |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const name of names) {
  const m = index[name];
  const file = path.join(modelsDir, m.file);
  const dims = m.input_shape;
  const data = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.37) * 0.5);
  const full = await compile(file, { inputShapes: { input: dims } });
  const raw = await compile(file, { inputShapes: { input: dims }, optimize: false });
  const [a, b] = await Promise.all([full, raw].map((c) => loadModel({ wasm: c.wasm, weights: c.weights })));
  const feeds = { input: { dtype: 'float32', dims, data } };
  for (let i = 0; i < Number(args.warmup); i++) { await a.run(feeds); await b.run(feeds); }
  const ta = [], tb = [];
  for (let i = 0; i < Number(args.runs); i++) {
    let t = performance.now(); await b.run(feeds); tb.push(performance.now() - t);
    t = performance.now(); await a.run(feeds); ta.push(performance.now() - t);
  }
  const imported = full.summary.passes[0]?.nodesBefore ?? full.summary.nodes;
  console.log(`| ${name} | ${m.nodes} | ${imported} | ${full.summary.nodes} | ${full.plan.arenaBytes} | ${full.plan.naiveBytes} | ${median(tb).toFixed(2)} | ${median(ta).toFixed(2)} | ${(median(ta) / median(tb)).toFixed(2)} |`);
}
