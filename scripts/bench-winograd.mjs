#!/usr/bin/env node
// node scripts/bench-winograd.mjs [--iters N --shapes "C,M,H ..." --no-write]  (after a build)
// Times every 3x3 stride-1 pad-1 conv shape twice in this one process: forced down im2col + GEMM,
// and forced down Winograd (F(2x2) or F(4x4), as the dispatcher would pick between them). The
// table is the evidence for the thresholds in winogradLimits (conv-winograd.ts); its last column
// says whether the default limits send the layer to Winograd. Writes the section "Winograd
// dispatch" of docs/benchmarks.md unless --no-write.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { inferNode } from '@onnx2wasm/ir';
import { generateModule } from '@onnx2wasm/wasm-codegen';
import { winogradLimits, winogradPlanOf } from '../packages/wasm-codegen/dist/kernels/conv/conv-winograd.js';
import { replaceSection } from './bench/doc-section.mjs';
import { bestCpuMs, loadRun, seededTensor as random } from './bench/kernel-timing.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// ResNet-18's 3x3 stride-1 layers, SqueezeNet 1.1's expand3x3, then small and channel-poor shapes near the thresholds.
const SHAPES = '64,64,56 128,128,28 256,256,14 512,512,7 16,64,55 32,128,27 48,192,13 64,256,13 3,64,224 3,64,56 8,64,224 8,8,56 64,64,7 64,64,5 64,64,4 256,256,4 512,512,4 256,256,3';
const { values: args } = parseArgs({
  options: { iters: { type: 'string', default: '7' }, shapes: { type: 'string', default: SHAPES }, 'no-write': { type: 'boolean', default: false } },
});
const iters = Math.max(1, Number(args.iters));

function convGraph(C, M, H) {
  const g = { name: 'conv', inputs: ['x'], outputs: ['y'], nodes: [], types: new Map(), constants: new Map() };
  g.types.set('x', { dtype: 'float32', shape: [1, C, H, H] });
  g.types.set('w', { dtype: 'float32', shape: [M, C, 3, 3] });
  g.constants.set('w', random([M, C, 3, 3], 2));
  g.types.set('b', { dtype: 'float32', shape: [M] });
  g.constants.set('b', random([M], 3));
  const node = { name: 'conv', op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['y'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1], dilations: [1, 1], group: 1 } };
  inferNode(g, node);
  g.nodes.push(node);
  return g;
}

async function timeConv(C, M, H) {
  const run = await loadRun(generateModule(convGraph(C, M, H), { relaxed: false }));
  run();
  return bestCpuMs(run, iters);
}

const defaults = { ...winogradLimits };
const lines = [
  '| layer (C→M @ H×W) | im2col ms | Winograd ms | variant | speedup | dispatched to Winograd |',
  '|---|---:|---:|---|---:|---|',
];
for (const [C, M, H] of args.shapes.split(' ').map((s) => s.split(',').map(Number))) {
  const shape = { H, W: H, OH: H, OW: H, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pl: 1, Hp: H + 2, Wp: H + 2 };
  const chosen = winogradPlanOf(shape, C, M, 1, true);
  Object.assign(winogradLimits, defaults, { minC: Infinity });
  const im2col = await timeConv(C, M, H);
  Object.assign(winogradLimits, defaults, { minC: 1, minM: 1, maxMultiplies: Infinity });
  const forced = winogradPlanOf(shape, C, M, 1, true);
  const winograd = await timeConv(C, M, H);
  Object.assign(winogradLimits, defaults);
  lines.push(`| ${C}→${M} @ ${H}×${H} | ${im2col.toFixed(3)} | ${winograd.toFixed(3)} | F(${forced.t.m}×${forced.t.m}) | ${(im2col / winograd).toFixed(2)}× | ${chosen ? 'yes' : 'no'} |`);
  console.log(lines.at(-1));
}
if (!args['no-write']) {
  const intro = 'Measured by `node scripts/bench-winograd.mjs` (after a build): each 3x3 stride-1 pad-1 conv forced down im2col + GEMM and down Winograd, best of ' +
    `${iters} samples of process CPU time, one thread. The thresholds in \`winogradLimits\` (conv-winograd.ts) come from this table.`;
  replaceSection(path.join(root, 'docs/benchmarks.md'), 'Winograd dispatch', [intro, '', ...lines].join('\n'));
  console.log('wrote docs/benchmarks.md');
}
