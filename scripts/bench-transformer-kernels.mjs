#!/usr/bin/env node
// node scripts/bench-transformer-kernels.mjs (after a build): the single-node shapes behind the
// transformer kernel changes of docs/benchmarks.md ("Transformers: where the time went"), best of 5
// samples of process CPU time each, sampled alternately: a BERT-MiniLM FFN MatMul with and without
// its GELU epilogue, GELU's Erf alone, and one-row MatMuls of a GPT-2 decode step (constant B).
import { buildSingleNodeGraph } from '../packages/wasm-codegen/dist/testing/kernel-harness.js';
import { generateModule } from '@onnx2wasm/wasm-codegen';
import { bestCpuMs, loadRun } from './bench/kernel-timing.mjs';

const matrix = (dims, s) => ({ dtype: 'float32', dims, data: Float32Array.from({ length: dims[0] * dims[1] }, (_, i) => Math.sin(i * s) * 0.3) });
const matmul = (M, K, N, attrs = {}) => buildSingleNodeGraph('MatMul', [{ tensor: matrix([M, K], 0.7) }, { tensor: matrix([K, N], 0.3), constant: true }], attrs, 1);
const cases = {
  'MatMul 128x384x1536': matmul(128, 384, 1536),
  'MatMul 128x384x1536 + GELU': matmul(128, 384, 1536, { activation: 'gelu' }),
  'Erf [128,1536]': buildSingleNodeGraph('Erf', [{ tensor: matrix([128, 1536], 2.1) }], {}, 1),
  'MatMul 1x768x3072': matmul(1, 768, 3072),
  'MatMul 1x3072x768': matmul(1, 3072, 768),
  'MatMul 1x768x50257 (lm_head)': matmul(1, 768, 50257),
};
const runs = {};
for (const [name, g] of Object.entries(cases)) runs[name] = await loadRun(generateModule(g));
const best = Object.fromEntries(Object.keys(runs).map((k) => [k, Infinity]));
for (let r = 0; r < 5; r++) for (const [k, f] of Object.entries(runs)) best[k] = Math.min(best[k], bestCpuMs(f, 1));
for (const [k, ms] of Object.entries(best)) console.log(`${k.padEnd(32)} ${ms.toFixed(3)} ms`);
