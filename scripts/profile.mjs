#!/usr/bin/env node
// npm run bench:profile [-- --models a,b (names of models.json or quantized/models.json) --iters N --top N --layout auto|nchw|nhwc --write]
// --models also takes the full-size transformers of npm run bench:transformers (bert-minilm, …).
// Where a model's time goes: the model compiled as compile() does, but with every node's function
// exported (generateModule's `profile`), then each node run on its own in run order, best of
// `iters` samples of process CPU time per node. Prints per node and per op (convolutions and pools
// by kernel shape, stride and grouping): ms, share of the sum,
// GFLOP/s (FLOPs as `onnx2wasm inspect` counts them). A script, not a test: times drift.
// --write puts the per-op tables into docs/benchmarks.md (section "Profile").
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { compile, inspectResult } from 'onnx2wasm';
import { META_SECTION, generateModule } from '@onnx2wasm/wasm-codegen';
import { hostImports } from '@onnx2wasm/runtime';
import { bestCpuMs, seededTensor } from './bench/kernel-timing.mjs';
import { replaceSection } from './bench/doc-section.mjs';
import { modelIndex, modelsDir, root } from './bench/models.mjs';
import { TRANSFORMERS, transformerFile } from './bench/transformer-models.mjs';

const { values: args } = parseArgs({
  options: {
    models: { type: 'string' },
    iters: { type: 'string', default: '5' },
    top: { type: 'string', default: '5' },
    write: { type: 'boolean', default: false },
    layout: { type: 'string', default: 'auto' },
  },
});
const index = modelIndex();

/** Instantiates a profiling build with its weights and one input in place; returns the exports. */
async function load(gen, feeds) {
  const module = await WebAssembly.compile(gen.wasm);
  const instance = await WebAssembly.instantiate(module, hostImports(module));
  const { memory } = instance.exports;
  const meta = JSON.parse(new TextDecoder().decode(WebAssembly.Module.customSections(module, META_SECTION)[0]));
  new Uint8Array(memory.buffer, meta.weights.offset, gen.weights.byteLength).set(gen.weights);
  for (const slot of meta.inputs) {
    const t = feeds[slot.name];
    new Uint8Array(memory.buffer, slot.offset, slot.byteLength).set(new Uint8Array(t.data.buffer, t.data.byteOffset, slot.byteLength));
  }
  instance.exports.init?.();
  return instance.exports;
}

/** The op, and for convolutions and pools the kernel shape, stride and grouping (they take different kernels). */
function kind(g, node) {
  if (!node || !Array.isArray(node.attrs.kernel_shape)) return node?.op ?? '?';
  const k = node.attrs.kernel_shape.join('x');
  const stride = (node.attrs.strides ?? []).some((s) => s > 1) ? ` s${Math.max(...node.attrs.strides)}` : '';
  const group = Number(node.attrs.group ?? 1), C = g.types.get(node.inputs[0])?.shape[node.op.startsWith('Nhwc') ? 3 : 1];
  const grouping = group === 1 ? '' : group === C ? ' depthwise' : ` group ${group}`;
  return `${node.op} ${k}${stride}${grouping}`;
}

/** A shared model (one float32 input) or a benchmark transformer, and the feeds it is profiled at. */
function modelFeeds(name) {
  if (TRANSFORMERS[name]) return { file: transformerFile(name), feeds: TRANSFORMERS[name].feeds() };
  const m = index[name] ?? quantizedModel(name);
  if (!m) throw new Error(`no model '${name}' in ${modelsDir}/models.json, quantized/models.json or the benchmark transformers (${Object.keys(TRANSFORMERS).join(', ')})`);
  const dims = m.input_shape;
  if (dims.some((d) => typeof d !== 'number')) throw new Error(`${name}: symbolic input dims; profile a model with static shapes`);
  return { file: path.join(modelsDir, m.file), feeds: { input: seededTensor(dims, 1) } };
}

const lines = [];
/** A model of ../shared/models/quantized (e.g. resnet18_int8_qop), with the input shape of the float32 model it was made from. */
function quantizedModel(name) {
  const quant = JSON.parse(fs.readFileSync(path.join(modelsDir, 'quantized/models.json'), 'utf8'));
  const source = Object.entries(index).sort((a, b) => b[0].length - a[0].length).find(([s]) => name.startsWith(`${s}_`));
  if (!quant[`${name}.onnx`] || !source) return undefined;
  return { file: `quantized/${name}.onnx`, input_shape: source[1].input_shape };
}
const out = (text) => { console.log(text); lines.push(text); };
const pct = (x, total) => `${((100 * x) / total).toFixed(1)}%`;
for (const name of args.models ? args.models.split(',') : Object.keys(index)) {
  const { file, feeds } = modelFeeds(name);
  const c = await compile(file, { inputShapes: Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, v.dims])), layout: args.layout });
  const gen = generateModule(c.graph, { profile: true });
  const exports = await load(gen, feeds);
  exports.run();
  const flops = new Map(inspectResult(c).nodes.map((n) => [n.name, n.flops]));
  const byName = new Map(c.graph.nodes.map((n) => [n.name, n]));
  const rows = gen.nodes.map((n) => {
    const f = exports[n.fn];
    const ms = bestCpuMs(f, Number(args.iters));
    return { ...n, op: kind(c.graph, byName.get(n.node)), ms, flops: flops.get(n.node) ?? 0 };
  });
  const total = rows.reduce((s, r) => s + r.ms, 0);
  const whole = bestCpuMs(exports.run, Number(args.iters));
  out(`\n### ${name}: sum of nodes ${total.toFixed(2)} ms, run() ${whole.toFixed(2)} ms, ${rows.length} node functions`);
  const byOp = new Map();
  for (const r of rows) {
    const o = byOp.get(r.op) ?? { op: r.op, ms: 0, flops: 0, count: 0 };
    o.ms += r.ms; o.flops += r.flops; o.count++;
    byOp.set(r.op, o);
  }
  out('\n| op | nodes | ms | share | GFLOP/s |\n|---|---:|---:|---:|---:|');
  for (const o of [...byOp.values()].sort((a, b) => b.ms - a.ms)) {
    out(`| ${o.op} | ${o.count} | ${o.ms.toFixed(2)} | ${pct(o.ms, total)} | ${(o.flops / o.ms / 1e6).toFixed(1)} |`);
  }
  if (Number(args.top) > 0) out(`\n| slowest nodes | op | ms | share | GFLOP/s |\n|---|---|---:|---:|---:|`);
  for (const r of [...rows].sort((a, b) => b.ms - a.ms).slice(0, Number(args.top))) {
    out(`| ${r.node} | ${r.op} | ${r.ms.toFixed(3)} | ${pct(r.ms, total)} | ${(r.flops / r.ms / 1e6).toFixed(1)} |`);
  }
}
if (args.write) {
  const file = path.join(root, 'docs/benchmarks.md');
  const intro = `Where the time goes: \`npm run bench:profile -- --write\` (${new Date().toISOString().slice(0, 10)}) compiles each model as compile() does with every node's function exported, then times each node alone in run order (best of ${args.iters} samples of process CPU time). FLOPs as \`onnx2wasm inspect\` counts them: a Winograd convolution is credited with its direct-convolution FLOPs.`;
  replaceSection(file, 'Profile', [intro, ...lines].join('\n'));
  console.log(`wrote ${path.relative(root, file)}`);
}
