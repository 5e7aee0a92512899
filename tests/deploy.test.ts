// Deployment outputs of `compile`: the files each --target writes (and that c.files is exactly
// what the CLI writes), content-hashed weights, the Node glue sharing one instance, and the
// compile-time limits (--max-memory, --max-script-size) failing with the numbers.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompileError, compile } from 'onnx2wasm';
import { loadModel } from '@onnx2wasm/runtime';
import { MODELS_DIR, REPO_ROOT, seededInput } from './support/models.js';

const MAIN = path.join(REPO_ROOT, 'packages/compiler/dist/cli/main.js');
const TINY = path.join(REPO_ROOT, 'examples/tiny-mlp/model.onnx');
const MLP = path.join(MODELS_DIR, 'mlp.onnx');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(dir, f)).isFile()).map((f) => f.split(path.sep).join('/')).sort();
}

let tmp: string;
beforeAll(() => {
  if (!fs.existsSync(MAIN)) throw new Error('the CLI is not built: run `npm run build` first (`npm test` does)');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx2wasm-deploy-'));
});
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('compile --target', () => {
  it.each(['universal', 'node', 'browser', 'worker'] as const)('%s: c.files is exactly what the CLI writes', async (target) => {
    const out = path.join(tmp, `files-${target}`);
    const r = cli('compile', TINY, '-o', out, '--target', target);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^\\s+target\\s+${target}$`, 'm'));
    expect(r.stdout).toMatch(/^\s+wasm\s+[\d.]+ \S+ \(gzip [\d.]+ \S+\)/m);
    expect(r.stdout).toMatch(/^\s+script\s+[\d.]+ \S+ \(gzip [\d.]+ \S+\)/m);
    const c = await compile(TINY, { target });
    expect(listFiles(out)).toEqual(Object.keys(c.files).sort());
    for (const [f, bytes] of Object.entries(c.files)) expect(Buffer.compare(fs.readFileSync(path.join(out, f)), bytes), f).toBe(0);

    const hash = sha256(c.weights);
    const weightsFile = target === 'browser' || target === 'worker' ? `model.${hash.slice(0, 16)}.bin` : 'model.weights.bin';
    expect(c.manifest.target).toBe(target);
    expect(c.manifest.weights).toEqual({ file: weightsFile, sha256: hash, bytes: c.weights.byteLength, embedded: false });
    expect(c.files[weightsFile]).toBe(c.weights);
    expect(c.files['model.wasm']).toBe(c.wasm);
    const glue = new TextDecoder().decode(c.files['model.js']);
    // Workers refuse to compile bytes: their glue imports the module; browsers must not meet node: imports.
    if (target === 'worker') expect(glue).toMatch(/^import wasmModule from "\.\/model\.wasm";$/m);
    if (target === 'worker') expect(glue).toContain(`import weightsData from "./${weightsFile}";`);
    if (target === 'browser') expect(glue).not.toContain('node:');
    if (target === 'node') expect(glue).not.toContain('fetch(');
  });

  it.each(['browser', 'worker'] as const)('run loads a %s folder (whose glue needs fetch or a bundler) with its runtime', (target) => {
    const out = path.join(tmp, `run-${target}`);
    expect(cli('compile', TINY, '-o', out, '--target', target).code).toBe(0);
    const r = cli('run', out, '--input', 'input=zeros');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\s+scores\s+float32\[1,10\]\s+\[-?\d/m);
  });

  it('a new model version gets a new weights hash; the same weights keep theirs', async () => {
    const a = await compile(TINY, { target: 'browser' });
    const again = await compile(TINY, { target: 'browser', optimize: false });
    const other = await compile(MLP, { target: 'browser' });
    expect(again.manifest.weights.sha256).toBe(a.manifest.weights.sha256);
    expect(other.manifest.weights.sha256).not.toBe(a.manifest.weights.sha256);
    expect(other.manifest.weights.file).not.toBe(a.manifest.weights.file);
  });

  it('--embed-weights --target worker writes no weights file and imports only the module', async () => {
    const c = await compile(TINY, { target: 'worker', embedWeights: true });
    expect(Object.keys(c.files).filter((f) => f.endsWith('.bin'))).toEqual([]);
    expect(c.manifest.weights).toEqual({ file: null, sha256: null, bytes: 38448, embedded: true });
    const glue = new TextDecoder().decode(c.files['model.js']);
    expect(glue.match(/^import .* from "\.\/model\.[^"]+";$/gm)).toEqual(['import wasmModule from "./model.wasm";']);
  });

  it.each(['universal', 'node'] as const)('%s glue in Node: load() runs the model and returns one shared instance', async (target) => {
    const out = path.join(tmp, `glue-${target}`);
    const c = await compile(TINY, { target });
    for (const [f, bytes] of Object.entries(c.files)) {
      fs.mkdirSync(path.dirname(path.join(out, f)), { recursive: true });
      fs.writeFileSync(path.join(out, f), bytes);
    }
    const glue = (await import(pathToFileURL(path.join(out, 'model.js')).href)) as { load(o?: object): Promise<{ run(f: object): Promise<Record<string, { data: Float32Array }>> }> };
    const [m1, m2] = await Promise.all([glue.load(), glue.load()]);
    expect(m1).toBe(m2);
    const feeds = { input: { dtype: 'float32', dims: [1, 64], data: seededInput([1, 64], 9) } };
    const direct = await (await loadModel({ wasm: c.wasm, weights: c.weights })).run(feeds as never);
    expect(Array.from((await m1.run(feeds)).scores!.data)).toEqual(Array.from(direct.scores!.data as Float32Array));
    // Explicit files give a separate instance.
    expect(await glue.load({ wasm: c.wasm, weights: c.weights })).not.toBe(m1);
  });
});

describe('compile-time limits', () => {
  it('--max-memory below the planned memory fails naming the planned bytes and the limit', async () => {
    const c = await compile(MLP);
    const r = cli('compile', MLP, '-o', path.join(tmp, 'never'), '--max-memory', '100KB');
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: the model needs \d+ bytes of memory .* bytes over the limit of 102400\b/);
    const planned = Number(/needs (\d+) bytes/.exec(r.stderr)![1]);
    expect(planned).toBeGreaterThan(102400);
    expect(planned).toBeLessThanOrEqual(c.summary.memoryBytes);
    expect(fs.existsSync(path.join(tmp, 'never'))).toBe(false);
  });

  it('--target worker counts the whole isolate: memory, module and weights data module', async () => {
    const c = await compile(MLP, { target: 'worker' });
    const s = c.summary;
    expect(s.isolateBytes).toBe(s.memoryBytes + c.wasm.byteLength + c.weights.byteLength);
    // Linear memory fits this limit, the isolate does not.
    const limit = s.memoryBytes + 1024;
    const r = cli('compile', MLP, '-o', path.join(tmp, 'never'), '--target', 'worker', '--max-memory', String(limit));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: the model needs ${s.isolateBytes} bytes in a Worker isolate (linear memory ${s.memoryBytes} + module ${c.wasm.byteLength} + weights data module ${c.weights.byteLength}), ${s.isolateBytes! - limit} bytes over the memory limit of ${limit}`);
    await expect(compile(MLP, { target: 'worker', maxMemoryBytes: limit })).rejects.toMatchObject({ code: 'MEMORY_LIMIT' });
  });

  it('--target worker defaults to a 128 MiB limit', async () => {
    const c = await compile(TINY, { target: 'worker' });
    expect(c.summary.isolateBytes).toBeLessThan(128 * 1024 * 1024);
    await expect(compile(TINY, { target: 'worker', maxMemoryBytes: 64 * 1024 })).rejects.toThrow(/limit of 65536/);
  });

  it('--max-script-size fails naming the gzipped size and the limit', async () => {
    const c = await compile(MLP, { target: 'worker' });
    const r = cli('compile', MLP, '-o', path.join(tmp, 'never'), '--target', 'worker', '--max-script-size', '100KB');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: the Worker bundle is ${c.summary.scriptGzipBytes} bytes gzipped (${c.summary.scriptBytes} raw;`);
    expect(r.stderr).toMatch(/bytes over the script size limit of 102400 \(0\.1 MiB\)/);
    await expect(compile(MLP, { maxScriptBytes: 1000 })).rejects.toMatchObject({ code: 'SIZE_LIMIT' });
    // Outside Workers the weights file is an asset, not script: the same limit passes.
    expect((await compile(MLP, { target: 'browser', maxScriptBytes: 102400 })).summary.warnings).toEqual([]);
  });

  it.each([
    [['--max-memory', 'lots'], /--max-memory/],
    [['--max-script-size', '0'], /positive/],
    [['--target', 'lambda'], /--target.*lambda/],
  ])('%j is a usage error', (flags, message) => {
    const r = cli('compile', TINY, '-o', path.join(tmp, 'never'), ...flags);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('compile() rejects a bad target or limit with INVALID_OPTION', async () => {
    await expect(compile(TINY, { target: 'lambda' as never })).rejects.toSatisfy((e) => e instanceof CompileError && e.code === 'INVALID_OPTION');
    await expect(compile(TINY, { maxMemoryBytes: -1 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });
});
