// The full-size transformers of npm run bench:transformers and bench:profile: random weights,
// exported by scripts/fixtures/make-transformer-bench.py into the gitignored .cache/transformer-bench
// (too large to commit), with the feeds each is benchmarked at (shapes pinned).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { root } from './models.mjs';

export const MAKE_TRANSFORMERS = 'python3 scripts/fixtures/make-transformer-bench.py';
const cacheDir = path.join(root, '.cache/transformer-bench');

let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
const count = (dims) => dims.reduce((a, b) => a * b, 1);
const ids = (vocab, dims) => ({ dtype: 'int64', dims, data: BigInt64Array.from({ length: count(dims) }, () => BigInt(Math.floor(rand() * vocab))) });
const ones = (dims) => ({ dtype: 'int64', dims, data: new BigInt64Array(count(dims)).fill(1n) });
const floats = (dims) => ({ dtype: 'float32', dims, data: Float32Array.from({ length: count(dims) }, () => rand() - 0.5) });
const encoder = (vocab) => ({ input_ids: ids(vocab, [1, 128]), attention_mask: ones([1, 128]) });

/** Model name → what it is and its pinned feeds (int64 as BigInt64Array, as both runtimes take them). */
export const TRANSFORMERS = {
  'bert-minilm': { what: 'BERT, MiniLM-L6 size (384 hidden, 6 layers, 12 heads), 128 tokens', feeds: () => encoder(30522) },
  distilbert: { what: 'DistilBERT base (768 hidden, 6 layers, 12 heads), 128 tokens', feeds: () => encoder(30522) },
  't5-small-encoder': { what: 'T5-small encoder (512 hidden, 6 layers, 8 heads), 128 tokens', feeds: () => encoder(32128) },
  'whisper-tiny-encoder': { what: 'Whisper-tiny encoder (384 hidden, 4 layers, 6 heads), 80 × 3000 mel frames', feeds: () => ({ input_features: floats([1, 80, 3000]) }) },
  'gpt2-decode': {
    what: 'GPT-2 small (768 hidden, 12 layers, 12 heads, 50257 vocab), one token after a 16-token cache',
    feeds: () => {
      const f = { input_ids: ids(50257, [1, 1]), attention_mask: ones([1, 17]) };
      for (let i = 0; i < 12; i++) for (const kind of ['key', 'value']) f[`past_${kind}_${i}`] = floats([1, 12, 16, 64]);
      return f;
    },
  },
};

/** The .onnx file of a benchmark transformer; exits with the command that makes it when it is missing. */
export function transformerFile(name) {
  const file = path.join(cacheDir, `${name}.onnx`);
  if (!fs.existsSync(file)) {
    console.error(`${path.relative(root, file)} is missing: make the models with\n  ${MAKE_TRANSFORMERS}\n(torch, transformers and onnx from the local wheel mirror)`);
    process.exit(2);
  }
  return file;
}
