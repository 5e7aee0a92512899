#!/usr/bin/env node
// npm run bench:kernels [-- --scale S --iters N --no-write]
// Achieved GFLOP/s of single-node modules (3x3 conv, 1x1 conv, depthwise conv, GEMM) next to the
// peak of an f32x4 mul+add loop with 12 independent chains, sampled alternately with each kernel
// in this one process so both share the machine's current load; then the int8 kernels' GOP/s next
// to an i32x4.dot_i16x8_s peak loop (bench/int8-kernels.mjs). Under `node --experimental-wasm-relaxed-simd` a
// relaxed column (relaxed_madd) is added. --scale shrinks the spatial/N sizes (CI smoke runs).
// Writes the table into docs/benchmarks.md (section "Kernels") unless --no-write.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { inferNode } from '@onnx2wasm/ir';
import { WasmModuleBuilder, generateModule } from '@onnx2wasm/wasm-codegen';
import { replaceSection } from './bench/doc-section.mjs';
import { bestCpuMs, loadRun, seededTensor as random } from './bench/kernel-timing.mjs';
import { int8Rows } from './bench/int8-kernels.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    iters: { type: 'string', default: '20' },
    'no-write': { type: 'boolean', default: false },
  },
});
const scale = Number(args.scale), iters = Math.max(1, Number(args.iters));
const sz = (n) => Math.max(4, Math.round(n * scale));

/** Whether this engine accepts relaxed-SIMD code (the relaxed column is shown only then). */
function relaxedSupported() {
  try { return WebAssembly.validate(buildPeak(true)); } catch { return false; }
}

/** A loop of 12 independent f32x4 multiply-add chains; 8 flops per lane-pair per chain per step. */
function buildPeak(relaxed) {
  const mod = new WasmModuleBuilder({ relaxed });
  const fn = mod.fn('run', ['i32']);
  const n = fn.param(0), i = fn.local('i32');
  const acc = Array.from({ length: 12 }, () => fn.local('v128'));
  const m = fn.local('v128'), a = fn.local('v128');
  const body = acc.map((x) => x.set(fn.fma(x.get(), m.get(), a.get())));
  fn.finish([
    m.set(fn.vconst(0.999)), a.set(fn.vconst(1e-3)),
    ...acc.map((x, k) => x.set(fn.vconst(k))),
    fn.for(i, 0, n.get(), 1, body),
    // Keep the chains alive: their sum goes to memory.
    fn.vstore(0, acc.slice(1).reduce((s, x) => fn.vadd(s, x.get()), acc[0].get())),
  ]);
  mod.exportFunction('run');
  mod.setMemory(1, []);
  const bytes = mod.emitBinary();
  mod.dispose();
  return bytes;
}

/** The peak loop, ready to sample: GFLOP/s = flops / ms / 1e6. */
async function peakLoop(relaxed) {
  const steps = Math.max(1000, Math.round(2e6 * scale));
  const { instance } = await WebAssembly.instantiate(buildPeak(relaxed));
  const run = instance.exports.run;
  run(steps);
  return { run: () => run(steps), flops: steps * 12 * 8 };
}

/**
 * Best times of the kernel and of the peak loop over `iters` alternating samples: both see the
 * same load on a shared machine, so their ratio holds even when absolute speed drifts.
 */
function alternate(kernel, peak) {
  let k = Infinity, p = Infinity;
  for (let i = 0; i < iters; i++) {
    p = Math.min(p, bestCpuMs(peak.run, 1));
    k = Math.min(k, bestCpuMs(kernel, 1));
  }
  return { kernelMs: k, peakGflops: peak.flops / p / 1e6 };
}

function graphOf(op, inputs, attrs) {
  const g = { name: 'kernel', inputs: [], outputs: [], nodes: [], types: new Map(), constants: new Map() };
  const names = inputs.map((inp, k) => {
    const name = `x${k}`;
    g.types.set(name, { dtype: 'float32', shape: [...inp.tensor.dims] });
    if (inp.constant) g.constants.set(name, inp.tensor);
    else g.inputs.push(name);
    return name;
  });
  const node = { name: `${op}_0`, op, inputs: names, outputs: ['y0'], attrs };
  inferNode(g, node);
  g.nodes.push(node);
  g.outputs = ['y0'];
  return g;
}

async function timeKernel(g, relaxed, peak) {
  const run = await loadRun(generateModule(g, { relaxed }));
  run();
  return alternate(run, peak);
}

const conv = (C, M, H, k, group = 1) => ({
  graph: () => graphOf('Conv', [
    { tensor: random([1, C, H, H], 1) },
    { tensor: random([M, C / group, k, k], 2), constant: true },
    { tensor: random([M], 3), constant: true },
  ], { kernel_shape: [k, k], pads: Array(4).fill((k - 1) / 2), strides: [1, 1], dilations: [1, 1], group }),
  flops: 2 * M * (C / group) * k * k * H * H,
});
const C1 = sz(64), C2 = sz(128);
const cases = [
  { name: `conv 3x3 ${C1}->${C1} @ ${sz(56)}x${sz(56)}`, ...conv(C1, C1, sz(56), 3) },
  { name: `conv 1x1 ${C2}->${sz(512)} @ ${sz(28)}x${sz(28)}`, ...conv(C2, sz(512), sz(28), 1) },
  { name: `depthwise 3x3 ${sz(32)}ch @ ${sz(112)}x${sz(112)}`, ...conv(sz(32), sz(32), sz(112), 3, sz(32)) },
  {
    name: `gemm ${sz(128)}x${sz(256)}x${sz(1024)} (MxKxN)`,
    graph: () => graphOf('Gemm', [{ tensor: random([sz(128), sz(256)], 4) }, { tensor: random([sz(256), sz(1024)], 5), constant: true }], { transA: 0, transB: 0, alpha: 1, beta: 1 }),
    flops: 2 * sz(128) * sz(256) * sz(1024),
  },
  {
    // A classifier head: one row, so it streams the weights once (memory-bound).
    name: `gemv 1x${sz(1280)}x${sz(1000)} (MxKxN)`,
    graph: () => graphOf('Gemm', [{ tensor: random([1, sz(1280)], 6) }, { tensor: random([sz(1280), sz(1000)], 7), constant: true }], { transA: 0, transB: 0, alpha: 1, beta: 1 }),
    flops: 2 * sz(1280) * sz(1000),
  },
];

const relaxed = relaxedSupported();
const peakRun = await peakLoop(false);
const peakRelaxedRun = relaxed ? await peakLoop(true) : undefined;
const rows = [];
for (const c of cases) {
  const g = c.graph();
  const t = await timeKernel(g, false, peakRun);
  const tr = relaxed ? await timeKernel(g, true, peakRelaxedRun) : undefined;
  rows.push({
    name: c.name, ms: t.kernelMs, gflops: c.flops / t.kernelMs / 1e6, peak: t.peakGflops,
    msRelaxed: tr?.kernelMs, gflopsRelaxed: tr && c.flops / tr.kernelMs / 1e6, peakRelaxed: tr?.peakGflops,
  });
}
const peak = Math.max(...rows.map((r) => r.peak));
const peakRelaxed = relaxed ? Math.max(...rows.map((r) => r.peakRelaxed)) : undefined;

const f1 = (x) => (x === undefined ? '–' : x.toFixed(1));
const head = relaxed
  ? ['| kernel | ms | GFLOP/s | peak alongside | % of peak | relaxed ms | relaxed GFLOP/s | relaxed peak alongside | % of relaxed peak |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|']
  : ['| kernel | ms | GFLOP/s | peak alongside | % of peak |', '|---|---:|---:|---:|---:|'];
const lines = [
  `Peak (f32x4 mul+add, 12 chains): up to ${f1(peak)} GFLOP/s${relaxed ? `; relaxed_madd: up to ${f1(peakRelaxed)} GFLOP/s` : ''}. Each kernel alternates ${iters} samples (process CPU time, one thread, best kept) with samples of the peak loop; its % is of the peak measured alongside it, so load from other processes affects both alike.`,
  '',
  ...head,
  ...rows.map((r) => relaxed
    ? `| ${r.name} | ${r.ms.toFixed(2)} | ${f1(r.gflops)} | ${f1(r.peak)} | ${(100 * r.gflops / r.peak).toFixed(0)}% | ${r.msRelaxed.toFixed(2)} | ${f1(r.gflopsRelaxed)} | ${f1(r.peakRelaxed)} | ${(100 * r.gflopsRelaxed / r.peakRelaxed).toFixed(0)}% |`
    : `| ${r.name} | ${r.ms.toFixed(2)} | ${f1(r.gflops)} | ${f1(r.peak)} | ${(100 * r.gflops / r.peak).toFixed(0)}% |`),
];
// Integer kernels: GOP/s next to an i32x4.dot_i16x8_s peak loop measured alongside (bench/int8-kernels.mjs).
const int8 = await int8Rows(sz, scale, alternate);
lines.push(
  '',
  `Int8 kernels (QLinearConv on uint8 activations and int8 weights, int32 sums, requantized to uint8; the matmul: ScaledMatMulInteger, float32 out); peak: 12 chains of i32x4.dot_i16x8_s + i32x4.add, up to ${f1(Math.max(...int8.map((r) => r.peak)))} GOP/s (a multiply-add counts 2 operations).`,
  '',
  '| int8 kernel | ms | GOP/s | dot peak alongside | % of peak |',
  '|---|---:|---:|---:|---:|',
  ...int8.map((r) => `| ${r.name} | ${r.ms.toFixed(2)} | ${f1(r.gops)} | ${f1(r.peak)} | ${(100 * r.gops / r.peak).toFixed(0)}% |`),
);
console.log(lines.join('\n'));
if (!args['no-write'] && scale === 1) {
  const file = path.join(root, 'docs/benchmarks.md');
  const intro = `Measured by \`npm run bench:kernels\` on ${new Date().toISOString().slice(0, 10)} (\`node --experimental-wasm-relaxed-simd\` adds the relaxed columns).`;
  replaceSection(file, 'Kernels', [intro, '', ...lines].join('\n'));
  console.log(`wrote ${path.relative(root, file)}`);
}
