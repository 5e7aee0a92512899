import { buildSingleNodeGraph } from '../packages/wasm-codegen/dist/testing/kernel-harness.js';
import { generateModule } from '@onnx2wasm/wasm-codegen';
import { bestCpuMs, loadRun } from './bench/kernel-timing.mjs';
const t = (dims, s) => ({ dtype: 'float32', dims, data: Float32Array.from({ length: dims[0] * dims[1] }, (_, i) => Math.sin(i * s) * 0.3) });
const runs = {};
for (const [K, N] of [[768, 50257], [768, 3072], [3072, 768]]) {
  const g = buildSingleNodeGraph('MatMul', [{ tensor: t([1, K], 0.7) }, { tensor: t([K, N], 0.3), constant: true }], {}, 1);
  runs[`1x${K}x${N}`] = await loadRun(generateModule(g));
}
for (let r = 0; r < 2; r++) console.log(Object.entries(runs).map(([k, f]) => `${k} ${bestCpuMs(f, 5).toFixed(3)} ms`).join('  '));
