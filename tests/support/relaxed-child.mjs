// Child process of relaxed-build.test.ts, started with --experimental-wasm-relaxed-simd: loads the
// SIMD128 and the relaxed build of one compile, runs both on the same input and prints, as JSON,
// whether relaxed SIMD was available and the largest output difference.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadModel, relaxedSimdSupported } from '@onnx2wasm/runtime';

const dir = process.argv[2];
const job = JSON.parse(fs.readFileSync(path.join(dir, 'job.json'), 'utf8'));
const read = (f) => new Uint8Array(fs.readFileSync(path.join(dir, f)));
const weights = read('model.weights');
const data = new Float32Array(read('input.bin').buffer);
const feeds = { input: { dtype: 'float32', dims: job.dims, data } };
const simd = await (await loadModel({ wasm: read('model.wasm'), weights })).run(feeds);
const relaxed = await (await loadModel({ wasm: read('model.wasm'), relaxedWasm: read('model.relaxed.wasm'), weights })).run(feeds);
let maxAbsDiff = 0, maxAbsRef = 0;
for (const [name, r] of Object.entries(simd)) {
  const o = relaxed[name].data;
  for (let i = 0; i < r.data.length; i++) {
    maxAbsDiff = Math.max(maxAbsDiff, Number.isNaN(o[i] - r.data[i]) ? Infinity : Math.abs(o[i] - r.data[i]));
    maxAbsRef = Math.max(maxAbsRef, Math.abs(r.data[i]));
  }
}
console.log(JSON.stringify({ supported: relaxedSimdSupported(), maxAbsDiff, maxAbsRef }));
