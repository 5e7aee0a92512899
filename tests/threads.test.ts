// Threaded builds (docs/threads.md) in Node: resnet18, mobilenet_v2 and transformer_enc, compiled
// with threads: 2, run on 2 threads (a worker_threads worker and the caller) and give the outputs
// of the 1-thread build within 1e-5 relative, and those of onnxruntime-node within the tolerance
// of tests/models.test.ts. The 1-thread module is the same bytes with or without `threads`.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from 'onnx2wasm';
import { loadModel, type Model } from '@onnx2wasm/runtime';
import { REPO_ROOT, maxDiff, runOrt, seededInput, sharedModels } from './support/models.js';

const MAIN = path.join(REPO_ROOT, 'packages/compiler/dist/cli/main.js');

const SAME_BUILD = 1e-5;
const VS_ORT = 1e-4;
const MODELS = ['resnet18', 'mobilenet_v2', 'transformer_enc'];
const loaded: Model[] = [];
afterAll(() => { for (const m of loaded) m.dispose(); });

describe('threaded builds on 2 threads in Node', () => {
  for (const m of sharedModels().filter((x) => MODELS.includes(x.name))) {
    it(m.name, async () => {
      const c = await compile(m.file, { inputShapes: { input: m.inputShape }, threads: 2 });
      expect(c.threadsWasm).toBeInstanceOf(Uint8Array);
      expect(WebAssembly.validate(c.threadsWasm!)).toBe(true);
      expect(c.files['model.threads.wasm']).toBe(c.threadsWasm);
      const one = await loadModel({ wasm: c.wasm, weights: c.weights });
      const two = await loadModel({ wasm: c.wasm, threadsWasm: c.threadsWasm, weights: c.weights, threads: 2 });
      loaded.push(two);
      expect(one.info).toEqual({ threads: 1 });
      expect(two.info).toEqual({ threads: 2 });
      const data = seededInput(m.inputShape, 7);
      const feeds = { input: { dtype: 'float32' as const, dims: m.inputShape, data } };
      const ref = await runOrt(m.file, { input: { dims: m.inputShape, data } });
      const single = await one.run(feeds);
      // Twice: the second run reuses the parked workers (job generations go on across runs).
      for (let run = 0; run < 2; run++) {
        const threaded = await two.run(feeds);
        for (const [name, r] of Object.entries(ref)) {
          const o = threaded[name]!;
          expect(o.dims).toEqual(r.dims);
          expect(o.data.buffer).toBeInstanceOf(ArrayBuffer); // a copy, not a view of the shared memory
          const vsOne = maxDiff(o.data as Float32Array, single[name]!.data as Float32Array);
          expect(vsOne.maxAbsRef).toBeGreaterThan(0);
          expect(vsOne.maxAbsDiff, `${m.name}/${name}: 2 threads vs 1: ${vsOne.maxAbsDiff}`).toBeLessThanOrEqual(SAME_BUILD * vsOne.maxAbsRef);
          const vsOrt = maxDiff(o.data as Float32Array, r.data);
          expect(vsOrt.maxAbsDiff, `${m.name}/${name}: vs onnxruntime-node: ${vsOrt.maxAbsDiff}`).toBeLessThanOrEqual(VS_ORT * vsOrt.maxAbsRef);
        }
      }
    });
  }

  // threads: true cuts for 4 threads: squeezenet1_1's 13x13 Winograd convs then get parts of 4 rows, too
  // few for Winograd on their own; they must still run it, or they would pack weights that the
  // 1-thread build's weights file does not have (a CODEGEN_FAILED compile before).
  it('squeezenet1_1 with threads: true (4 parts): Winograd convs stay Winograd in their parts', async () => {
    const m = sharedModels().find((x) => x.name === 'squeezenet1_1')!;
    const c = await compile(m.file, { inputShapes: { input: m.inputShape }, threads: true });
    const one = await loadModel({ wasm: c.wasm, weights: c.weights });
    const two = await loadModel({ wasm: c.wasm, threadsWasm: c.threadsWasm, weights: c.weights, threads: 2 });
    loaded.push(one, two);
    const data = seededInput(m.inputShape, 5);
    const feeds = { input: { dtype: 'float32' as const, dims: m.inputShape, data } };
    const ref = await runOrt(m.file, { input: { dims: m.inputShape, data } });
    const [single, threaded] = [await one.run(feeds), await two.run(feeds)];
    for (const [name, r] of Object.entries(ref)) {
      const vsOne = maxDiff(threaded[name]!.data as Float32Array, single[name]!.data as Float32Array);
      expect(vsOne.maxAbsDiff).toBeLessThanOrEqual(SAME_BUILD * vsOne.maxAbsRef);
      const vsOrt = maxDiff(threaded[name]!.data as Float32Array, r.data);
      expect(vsOrt.maxAbsDiff).toBeLessThanOrEqual(VS_ORT * vsOrt.maxAbsRef);
    }
  });

  it('the 1-thread module is byte for byte the same with threads on, and a bad thread count is a typed error', async () => {
    const file = sharedModels().find((x) => x.name === 'mlp')!;
    const plain = await compile(file.file, { inputShapes: { input: file.inputShape } });
    const withThreads = await compile(file.file, { inputShapes: { input: file.inputShape }, threads: true });
    expect(Buffer.from(withThreads.wasm).equals(Buffer.from(plain.wasm))).toBe(true);
    expect(withThreads.weights).toEqual(plain.weights);
    await expect(compile(file.file, { threads: 1 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    // threads > 1 without a threaded build: one thread, and the reason.
    const m = await loadModel({ wasm: plain.wasm, weights: plain.weights, threads: 2 });
    expect(m.info.threads).toBe(1);
    expect(m.info.reason).toMatch(/no threaded build/);
    await expect(loadModel({ wasm: plain.wasm, weights: plain.weights, threads: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    // More threads than the module was cut for: as many as it has parts.
    const many = await loadModel({ wasm: plain.wasm, threadsWasm: withThreads.threadsWasm, weights: plain.weights, threads: 8 });
    loaded.push(many);
    expect(many.info).toEqual({ threads: 4, reason: 'the module was compiled for up to 4 threads' });
    const data = seededInput(file.inputShape, 3);
    const feeds = { input: { dtype: 'float32' as const, dims: file.inputShape, data } };
    const a = await m.run(feeds), b = await many.run(feeds);
    for (const k of Object.keys(a)) expect(b[k]!.data).toEqual(a[k]!.data);
  });

  it('the CLI writes model.threads.wasm with --threads, and the glue\'s load({ threads: 2 }) runs it', () => {
    const mlp = sharedModels().find((x) => x.name === 'mlp')!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx2wasm-threads-cli-'));
    try {
      const out = path.join(dir, 'out');
      const ok = spawnSync(process.execPath, [MAIN, 'compile', mlp.file, '-o', out, '--threads', '2'], { encoding: 'utf8' });
      expect(ok.status, ok.stderr).toBe(0);
      expect(fs.existsSync(path.join(out, 'model.threads.wasm'))).toBe(true);
      const script = `const { load } = await import(${JSON.stringify(path.join(out, 'model.js'))});
const m = await load({ threads: 2 });
const y = await m.run({ input: { dtype: 'float32', dims: [1, 784], data: new Float32Array(784).fill(0.5) } });
console.log(JSON.stringify({ info: m.info, n: Object.values(y)[0].data.length }));`;
      // No dispose(): the workers are unref'd, so the process must still exit by itself.
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
      expect(run.status, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ info: { threads: 2 }, n: 10 });
      const bad = spawnSync(process.execPath, [MAIN, 'compile', mlp.file, '-o', out, '--threads', '1'], { encoding: 'utf8' });
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).toMatch(/threads must be true or an integer from 2 to 64/);
      expect(bad.stderr).not.toMatch(/\n\s+at /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
