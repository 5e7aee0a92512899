#!/usr/bin/env node
// node scripts/bench-winograd-int8.mjs [--iters N --shapes "C,M,H ..." --no-write]  (after a build)
// The 8-bit QLinearConv's dispatch evidence: every 3x3 stride-1 pad-1 shape timed in this one
// process forced down im2col + integer GEMM (winograd 0) and down the integer Winograd F(2x2, 3x3)
// (winograd 1), alternating. Its last column says whether the default limits (int8WinogradLimits
// in kernels/int8/winograd-conv.ts) send the layer to Winograd. Writes the section "Int8 Winograd
// dispatch" of docs/benchmarks.md unless --no-write.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { inferNode, makeTensor } from '@onnx2wasm/ir';
import { generateModule } from '@onnx2wasm/wasm-codegen';
import { int8WinogradPlanOf } from '../packages/wasm-codegen/dist/kernels/int8/winograd-conv.js';
import { replaceSection } from './bench/doc-section.mjs';
import { bestCpuMs, loadRun } from './bench/kernel-timing.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// ResNet-18's 3x3 stride-1 layers, SqueezeNet 1.1's expand3x3, then small and channel-poor shapes.
const SHAPES = '64,64,56 128,128,28 256,256,14 512,512,7 16,64,55 32,128,27 48,192,13 64,256,13 8,16,56 8,64,56 16,16,28 64,64,7 128,128,4 256,256,3';
const { values: args } = parseArgs({
  options: { iters: { type: 'string', default: '7' }, shapes: { type: 'string', default: SHAPES }, 'no-write': { type: 'boolean', default: false } },
});
const iters = Math.max(1, Number(args.iters));

/** Deterministic bytes in [lo, hi]. */
function bytes(dtype, dims, seed, lo, hi) {
  const n = dims.reduce((a, b) => a * b, 1);
  let s = seed;
  return makeTensor(dtype, dims, Array.from({ length: n }, () => lo + ((s = (s * 1103515245 + 12345) >>> 0) % (hi - lo + 1))));
}

function convGraph(C, M, H, winograd) {
  const g = { name: 'conv', inputs: ['x'], outputs: ['y'], nodes: [], types: new Map(), constants: new Map() };
  const constant = (name, t) => { g.types.set(name, { dtype: t.dtype, shape: t.dims }); g.constants.set(name, t); };
  g.types.set('x', { dtype: 'uint8', shape: [1, C, H, H] });
  constant('sx', makeTensor('float32', [], [0.02]));
  constant('zx', makeTensor('uint8', [], [128]));
  constant('w', bytes('int8', [M, C, 3, 3], 2, -127, 127));
  constant('sw', makeTensor('float32', [M], Array.from({ length: M }, (_, m) => 0.001 + 0.00001 * m)));
  constant('zw', makeTensor('int8', [M], new Array(M).fill(0)));
  constant('sy', makeTensor('float32', [], [0.05]));
  constant('zy', makeTensor('uint8', [], [128]));
  constant('b', bytes('int32', [M], 3, -1000, 1000));
  const node = {
    name: 'conv', op: 'QLinearConv', inputs: ['x', 'sx', 'zx', 'w', 'sw', 'zw', 'sy', 'zy', 'b'], outputs: ['y'],
    attrs: { pads: [1, 1, 1, 1], strides: [1, 1], dilations: [1, 1], group: 1, winograd },
  };
  inferNode(g, node);
  g.nodes.push(node);
  return g;
}

const lines = [
  '| layer (C→M @ H×W) | im2col ms | Winograd ms | speedup | dispatched to Winograd |',
  '|---|---:|---:|---:|---|',
];
for (const [C, M, H] of args.shapes.split(' ').map((s) => s.split(',').map(Number))) {
  const runs = [await loadRun(generateModule(convGraph(C, M, H, 0), { relaxed: false })), await loadRun(generateModule(convGraph(C, M, H, 1), { relaxed: false }))];
  const best = [Infinity, Infinity];
  for (let k = 0; k < iters; k++) for (const v of [0, 1]) best[v] = Math.min(best[v], bestCpuMs(runs[v], 1));
  const chosen = int8WinogradPlanOf(convGraph(C, M, H, undefined).nodes[0], [1, C, H, H], [M, C, 3, 3], [1, M, H, H], true);
  lines.push(`| ${C}→${M} @ ${H}×${H} | ${best[0].toFixed(3)} | ${best[1].toFixed(3)} | ${(best[0] / best[1]).toFixed(2)}× | ${chosen ? 'yes' : 'no'} |`);
  console.log(lines.at(-1));
}
if (!args['no-write']) {
  const intro = 'Measured by `node scripts/bench-winograd-int8.mjs` (after a build): each 8-bit 3x3 stride-1 pad-1 QLinearConv (uint8 activations, int8 weights) forced down im2col + integer GEMM and down the integer Winograd F(2x2, 3x3), alternating, best of ' +
    `${iters} samples of process CPU time, one thread. The limits in \`int8WinogradLimits\` (kernels/int8/winograd-conv.ts) come from this table.`;
  replaceSection(path.join(root, 'docs/benchmarks.md'), 'Int8 Winograd dispatch', [intro, '', ...lines].join('\n'));
  console.log('wrote docs/benchmarks.md');
}
