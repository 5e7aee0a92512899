// One cold-start sample of npm run bench:cold, in a fresh Node process (the parent spawns one per
// sample): `ours <folder> <dims>` imports the compiled folder's glue (model.js), loads and runs;
// `ort <model.onnx> <dims>` imports onnxruntime-web, creates a session from the file and runs.
// Times from the import to the first output, then a few warm runs; prints one JSON line.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { median } from './stats.mjs';

const [mode, where, dimsText, warmText = '5'] = process.argv.slice(2);
const dims = JSON.parse(dimsText);
const n = dims.reduce((a, b) => a * b, 1);
const data = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 0.5);
const warmRuns = Number(warmText);

async function timeRuns(run) {
  const ts = [];
  for (let i = 0; i < warmRuns; i++) {
    const t = performance.now();
    await run();
    ts.push(performance.now() - t);
  }
  return median(ts);
}

let result;
if (mode === 'ours') {
  const t0 = performance.now();
  const { load } = await import(pathToFileURL(path.join(where, 'model.js')).href);
  const model = await load();
  const t1 = performance.now();
  const feeds = { [model.inputs[0].name]: { dtype: 'float32', dims, data } };
  await model.run(feeds);
  const t2 = performance.now();
  // The second run shows how much of the first run's excess is gone after one run (tier-up).
  await model.run(feeds);
  const t3 = performance.now();
  result = { coldMs: t2 - t0, loadMs: t1 - t0, firstMs: t2 - t1, secondMs: t3 - t2, warmMs: await timeRuns(() => model.run(feeds)) };
} else if (mode === 'ort') {
  const t0 = performance.now();
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.simd = true;
  ort.env.logLevel = 'error';
  const session = await ort.InferenceSession.create(new Uint8Array(await fs.readFile(where)), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const t1 = performance.now();
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', data, dims) };
  await session.run(feeds);
  const t2 = performance.now();
  await session.run(feeds);
  const t3 = performance.now();
  result = { coldMs: t2 - t0, loadMs: t1 - t0, firstMs: t2 - t1, secondMs: t3 - t2, warmMs: await timeRuns(() => session.run(feeds)) };
} else {
  throw new Error(`cold-child: unknown mode '${mode}'`);
}
process.stdout.write(JSON.stringify(result) + '\n');
process.exit(0);
