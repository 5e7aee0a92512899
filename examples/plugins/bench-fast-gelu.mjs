// Latency of com.microsoft:FastGelu through the fast-gelu plugin's SIMD lowering vs the same math
// expanded at import into built-in IR ops (Add, Mul, Sigmoid; the optimizer may fuse them), in one
// process on a [1, 128, 3072] input with bias. Run after a build: node examples/plugins/bench-fast-gelu.mjs
import { compile, definePlugin, makeTensor } from 'onnx2wasm';
import { loadModel } from '@onnx2wasm/runtime';
import fastGelu, { fastGeluScalar } from './fast-gelu.mjs';
import { customOpModel } from './make-model.mjs';

const K = 1.5957691216057308, C = 0.044715;
const expanded = definePlugin({
  name: 'fast-gelu-expanded',
  ops: [{
    domain: 'bench.expand', opType: 'FastGelu', sinceVersion: 1,
    expand(ctx) {
      const k = (v) => ctx.addConstant(makeTensor('float32', [], [v]));
      const [x0, bias] = ctx.node.inputs;
      const [x] = bias ? ctx.emit('Add', [x0, bias]) : [x0];
      const [x2] = ctx.emit('Mul', [x, x]);
      const [inner] = ctx.emit('Add', [ctx.emit('Mul', [x2, k(K * C)])[0], k(K)]);
      const [s] = ctx.emit('Sigmoid', [ctx.emit('Mul', [x, inner])[0]]);
      ctx.emit('Mul', [x, s], {}, ctx.node.outputs);
    },
  }],
});

const dims = [1, 128, 3072];
const n = dims.reduce((a, b) => a * b, 1);
const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 4);
const bias = Float32Array.from({ length: dims[2] }, (_, i) => Math.cos(i) * 0.5);

async function timeIt(domain, plugin, optimize = true) {
  const c = await compile(customOpModel({ domain, opType: 'FastGelu', dims, bias }), { plugins: [plugin], optimize });
  const m = await loadModel({ wasm: c.wasm, weights: c.weights });
  const feeds = { X: { dtype: 'float32', dims, data: x } };
  let y;
  for (let i = 0; i < 20; i++) y = (await m.run(feeds)).Y.data;
  const times = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    await m.run(feeds);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  let err = 0;
  for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(y[i] - fastGeluScalar(x[i] + bias[i % dims[2]])));
  return { median: times[100], ops: Object.entries(c.summary.ops).map(([o, k]) => `${o}×${k}`).join(' '), err };
}

const lowered = await timeIt('com.microsoft', fastGelu);
const expansion = await timeIt('bench.expand', expanded);
// Without the optimizer the expansion stays seven separate elementwise kernels (no fusion).
const unfused = await timeIt('bench.expand', expanded, false);
console.log(`lowering : ${lowered.median.toFixed(3)} ms median  (${lowered.ops}; max abs err ${lowered.err.toExponential(2)})`);
console.log(`expansion: ${expansion.median.toFixed(3)} ms median  (${expansion.ops}; max abs err ${expansion.err.toExponential(2)})`);
console.log(`expansion, no optimizer: ${unfused.median.toFixed(3)} ms median  (${unfused.ops})`);
console.log(`expansion / lowering = ${(expansion.median / lowered.median).toFixed(2)}; unfused expansion / lowering = ${(unfused.median / lowered.median).toFixed(2)}`);
