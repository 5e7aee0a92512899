// Tampered weights fail to load instead of giving plausible wrong answers (issue #19): the module
// carries the SHA-256 of its weights and loadModel, the generated glue and `onnx2wasm run` check
// it by default. Flipped bytes, zeros and another compile's weights of the same size are refused
// with WEIGHTS_MISMATCH naming both hashes; `verifyWeights: false` skips the check.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, CompileResult } from 'onnx2wasm';
import { loadModel, RuntimeError } from '@onnx2wasm/runtime';
import { REPO_ROOT } from './support/models.js';
import { buildModel } from './support/onnx-builder.js';

const MAIN = path.join(REPO_ROOT, 'packages/compiler/dist/cli/main.js');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** y = x @ W + b with seeded weights: two seeds give two models of the same shape. */
function gemm(seed: number): Uint8Array {
  const values = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 1000 + i));
  return buildModel({
    inputs: [{ name: 'x', dims: [1, 16] }],
    outputs: [{ name: 'y', dims: [1, 8] }],
    initializers: [{ name: 'W', dims: [16, 8], values: values(128) }, { name: 'b', dims: [8], values: values(8) }],
    nodes: [{ op: 'Gemm', inputs: ['x', 'W', 'b'], outputs: ['y'], name: 'fc' }],
  });
}

function tampered(w: Uint8Array, other: Uint8Array): Record<string, Uint8Array> {
  const flipped = w.slice();
  flipped[17]! ^= 0x01;
  return { 'one flipped bit': flipped, 'all zeros': new Uint8Array(w.byteLength), "another compile's weights": other };
}

let a: CompileResult;
let b: CompileResult;
let tmp: string;
beforeAll(async () => {
  [a, b] = await Promise.all([compile(gemm(1)), compile(gemm(2))]);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'o2w-weights-'));
});
afterAll(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

const feeds = () => ({ x: { dtype: 'float32' as const, dims: [1, 16], data: Float32Array.from({ length: 16 }, (_, i) => i / 16) } });

describe('weights integrity', () => {
  it('the module carries the SHA-256 of its weights, the same as manifest.json', () => {
    expect(a.weights.byteLength).toBe(b.weights.byteLength);
    expect(a.meta.weights.sha256).toBe(sha256(a.weights));
    expect(a.manifest.weights.sha256).toBe(a.meta.weights.sha256);
  });

  it('loadModel refuses tampered weights with WEIGHTS_MISMATCH naming expected and actual hash', async () => {
    for (const [what, w] of Object.entries(tampered(a.weights, b.weights))) {
      const e = await loadModel({ wasm: a.wasm, weights: w }).then(() => undefined, (x: unknown) => x);
      expect(e, what).toBeInstanceOf(RuntimeError);
      expect((e as RuntimeError).code, what).toBe('WEIGHTS_MISMATCH');
      expect((e as Error).message, what).toContain(`sha256 ${sha256(w)}, expected ${sha256(a.weights)}`);
    }
  });

  it('the right weights load and run; verifyWeights: false skips the check', async () => {
    const ok = await loadModel({ wasm: a.wasm, weights: a.weights });
    const good = (await ok.run(feeds())).y!.data as Float32Array;
    const unchecked = await loadModel({ wasm: a.wasm, weights: b.weights, verifyWeights: false });
    const other = (await unchecked.run(feeds())).y!.data as Float32Array;
    expect(Array.from(other)).not.toEqual(Array.from(good));
  });

  it('the generated model.js refuses a swapped weights file', async () => {
    const dir = path.join(tmp, 'glue');
    for (const [f, bytes] of Object.entries(a.files)) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), bytes);
    }
    fs.writeFileSync(path.join(dir, a.manifest.weights.file!), b.weights);
    const glue = (await import(pathToFileURL(path.join(dir, 'model.js')).href)) as { load(): Promise<unknown> };
    await expect(glue.load()).rejects.toMatchObject({ code: 'WEIGHTS_MISMATCH' });
  });

  it('onnx2wasm run refuses a folder whose weights were replaced, with one error line', () => {
    const model = path.join(tmp, 'm.onnx');
    fs.writeFileSync(model, gemm(1));
    const out = path.join(tmp, 'cli');
    const c = spawnSync(process.execPath, [MAIN, 'compile', model, '-o', out], { encoding: 'utf8' });
    expect(c.status, c.stderr).toBe(0);
    const file = path.join(out, 'model.weights.bin');
    const w = fs.readFileSync(file);
    w[5]! ^= 0x80;
    fs.writeFileSync(file, w);
    const r = spawnSync(process.execPath, [MAIN, 'run', out, '--input', 'x=zeros'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: the weights are not the ones this module was compiled with \(sha256 [0-9a-f]{64}, expected [0-9a-f]{64}\)/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
