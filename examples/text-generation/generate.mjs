// Greedy text generation with a KV cache over a compiled decoder. One compile serves every step:
// the prompt runs with an empty cache (past length 0), then each step feeds one token and the
// previous step's present_key_i / present_value_i back as past_key_i / past_value_i.
//   node examples/text-generation/generate.mjs [model.onnx] [steps]
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from 'onnx2wasm';
import { loadModel } from '@onnx2wasm/runtime';

export const DEFAULT_MODEL = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../tests/fixtures/transformers/gpt2-past.torchscript.onnx');

/** Greedy decoding: `run(feeds)` is one forward pass (ours or onnxruntime-web's); returns the new tokens. */
export async function generate(run, cacheInputs, prompt, steps) {
  const int64 = (xs) => ({ dtype: 'int64', dims: [1, xs.length], data: BigInt64Array.from(xs, BigInt) });
  let past = Object.fromEntries(cacheInputs.map(({ name, dims }) => [name, { dtype: 'float32', dims: [1, dims[1], 0, dims[3]], data: new Float32Array(0) }]));
  let input = prompt, length = 0;
  const tokens = [];
  for (let step = 0; step < steps; step++) {
    length += input.length;
    const out = await run({ input_ids: int64(input), attention_mask: int64(new Array(length).fill(1)), ...past });
    const [, seq, vocab] = out.logits.dims;
    const last = out.logits.data.subarray((seq - 1) * vocab, seq * vocab);
    let next = 0;
    for (let v = 1; v < vocab; v++) if (last[v] > last[next]) next = v;
    tokens.push(next);
    input = [next];
    past = Object.fromEntries(cacheInputs.map(({ name }) => [name, out[name.replace('past_', 'present_')]]));
  }
  return tokens;
}

/** The cache inputs (past_key_i / past_value_i, dims [batch, heads, past, head_dim]) of a loaded model. */
export const cacheInputsOf = (model) => model.inputs.filter((i) => i.name.startsWith('past_'));

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2] ?? DEFAULT_MODEL;
  const steps = Number(process.argv[3] ?? 32);
  const c = await compile(file); // no inputShapes: batch, sequence and past length stay symbolic
  const model = await loadModel({ wasm: c.wasm, weights: c.weights });
  const t0 = performance.now();
  const tokens = await generate((feeds) => model.run(feeds), cacheInputsOf(model), [1, 2, 3, 4], steps);
  const ms = performance.now() - t0;
  console.log(`tokens: ${tokens.join(' ')}`);
  console.log(`${steps} steps in ${ms.toFixed(1)} ms: ${(steps / ms * 1000).toFixed(0)} tokens/s (one compile, cache length 0 to ${4 + steps - 1})`);
}
