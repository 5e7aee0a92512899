// Tokens per second of the greedy decode loop (generate.mjs), onnx2wasm next to onnxruntime-web
// (wasm backend, one thread) in one process; both must produce the same tokens.
//   node examples/text-generation/bench.mjs [model.onnx] [steps] [rounds]
import * as fs from 'node:fs';
import * as ort from 'onnxruntime-web';
import { compile } from 'onnx2wasm';
import { loadModel } from '@onnx2wasm/runtime';
import { DEFAULT_MODEL, cacheInputsOf, generate } from './generate.mjs';

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';
const file = process.argv[2] ?? DEFAULT_MODEL;
const steps = Number(process.argv[3] ?? 64), rounds = Number(process.argv[4] ?? 5);
const prompt = [1, 2, 3, 4];

const c = await compile(file);
const model = await loadModel({ wasm: c.wasm, weights: c.weights });
const session = await ort.InferenceSession.create(fs.readFileSync(file), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
const ortRun = async (feeds) => {
  const out = await session.run(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor(v.dtype, v.data, v.dims)])));
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, { dtype: v.type, dims: [...v.dims], data: v.data }]));
};
const engines = { onnx2wasm: (f) => model.run(f), 'onnxruntime-web': ortRun };
const cache = cacheInputsOf(model);
const outputs = {};
for (const [name, run] of Object.entries(engines)) outputs[name] = (await generate(run, cache, prompt, steps)).join(' '); // warm-up
if (outputs.onnx2wasm !== outputs['onnxruntime-web']) throw new Error(`the tokens differ:\n${outputs.onnx2wasm}\n${outputs['onnxruntime-web']}`);
const best = { onnx2wasm: Infinity, 'onnxruntime-web': Infinity };
for (let r = 0; r < rounds; r++) for (const [name, run] of Object.entries(engines)) {
  const t0 = performance.now();
  await generate(run, cache, prompt, steps);
  best[name] = Math.min(best[name], performance.now() - t0);
}
const tps = (ms) => (steps / ms * 1000).toFixed(0);
console.log(`${file.split('/').pop()}, ${steps} greedy steps (cache 0 to ${prompt.length + steps - 1}), best of ${rounds}, same tokens`);
console.log(`onnx2wasm ${tps(best.onnx2wasm)} tokens/s, onnxruntime-web ${tps(best['onnxruntime-web'])} tokens/s, time ratio ${(best.onnx2wasm / best['onnxruntime-web']).toFixed(2)}`);
await session.release();
