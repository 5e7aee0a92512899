// `onnx2wasm deploy --target worker` on a repository of shared models (mlp in two versions,
// transformer_enc_dyn), run in workerd on 127.0.0.1 and driven by the same protocol client as the
// Node server: answers match onnxruntime-node. Over a limit, deploy refuses naming model and numbers.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, maxDiff, runOrt, seededInput } from './support/models.js';
import { OipClient, type TensorOut } from './support/oip-client.js';
import { CLI } from './support/serve-process.js';
import { tempDir, writeRepository } from './support/serve-repo.js';
import { retryUntil, startWorkerd, type Workerd } from './support/workerd.js';

const TOLERANCE = 1e-4;
const MLP = [1, 784];

function expectClose(out: TensorOut | undefined, ref: { dims: number[]; data: Float32Array }, what: string): void {
  expect(out?.shape, what).toEqual(ref.dims);
  const { maxAbsDiff, maxAbsRef } = maxDiff(Array.from(out!.data as ArrayLike<number>), ref.data);
  expect(maxAbsDiff, `${what}: max diff ${maxAbsDiff} vs max |ref| ${maxAbsRef}`).toBeLessThanOrEqual(TOLERANCE * maxAbsRef);
}

const deploy = (...args: string[]) => spawnSync(process.execPath, [CLI, 'deploy', ...args], { encoding: 'utf8', timeout: 300_000 });

describe('deploy --target worker, served by workerd', () => {
  let dir: string;
  let repo: string;
  let out: string;
  let workerd: Workerd;
  let client: OipClient;

  beforeAll(async () => {
    dir = tempDir('deploy');
    repo = writeRepository(path.join(dir, 'repo'), ['mlp', 'transformer_enc_dyn']);
    out = path.join(dir, 'worker');
    const r = deploy(repo, '--target', 'worker', '-o', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^wrote a Worker serving mlp\/1, mlp\/2, transformer_enc_dyn\/1 to /m);
    workerd = await startWorkerd(path.join(out, 'config.capnp'));
    client = new OipClient(workerd.url);
    await retryUntil(() => client.live(), 60_000, `workerd (${workerd.log()})`);
  }, 400_000);

  afterAll(async () => {
    await workerd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes a Worker project: wrangler.toml, a bundled entry, modules, config.capnp', () => {
    const files = fs.readdirSync(out, { recursive: true, encoding: 'utf8' }).map((f) => f.split(path.sep).join('/')).sort();
    // Each version's relaxed-SIMD (FMA) build: workerd runs relaxed SIMD, as Workers do.
    expect(files).toEqual(expect.arrayContaining(['README.md', 'config.capnp', 'worker.js', 'wrangler.toml', 'models/mlp/1/model.relaxed.wasm', 'models/mlp/2/model.weights.bin', 'models/transformer_enc_dyn/1/model.relaxed.wasm']));
    expect(files.filter((f) => f.endsWith('/model.wasm'))).toEqual([]);
    expect(fs.readFileSync(path.join(out, 'wrangler.toml'), 'utf8')).toMatch(/^main = "worker.js"$/m);
    // One bundle: no bare imports left for a bundler-less workerd, only the model modules.
    const imports = [...fs.readFileSync(path.join(out, 'worker.js'), 'utf8').matchAll(/^import \w+ from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(imports.every((i) => /^\.\/models\/.*\.(wasm|bin)$/.test(i!)), imports.join(', ')).toBe(true);
  });

  it('ships the SIMD128 modules instead with --no-relaxed-simd', () => {
    const simd = path.join(dir, 'worker-simd128');
    const r = deploy(repo, '--target', 'worker', '-o', simd, '--no-relaxed-simd');
    expect(r.status, r.stderr).toBe(0);
    const files = fs.readdirSync(path.join(simd, 'models'), { recursive: true, encoding: 'utf8' }).map((f) => f.split(path.sep).join('/')).filter((f) => f.endsWith('.wasm')).sort();
    expect(files).toEqual(['mlp/1/model.wasm', 'mlp/2/model.wasm', 'transformer_enc_dyn/1/model.wasm']);
    expect(fs.readFileSync(path.join(simd, 'worker.js'), 'utf8')).toContain('./models/mlp/1/model.wasm');
  });

  it('answers metadata and readiness like the Node server', async () => {
    expect((await client.serverMetadata()).body.extensions).toContain('binary_tensor_data');
    expect((await client.ready()).status).toBe(200);
    const meta = await client.modelMetadata('transformer_enc_dyn');
    expect(meta.body).toEqual({ name: 'transformer_enc_dyn', versions: ['1'], platform: 'onnx2wasm', inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, -1, 256] }], outputs: [{ name: 'output', datatype: 'FP32', shape: [-1, -1, 256] }] });
    expect((await client.modelReady('mlp', 2)).status).toBe(200);
  });

  it('infers JSON and binary, every version, like onnxruntime-node', async () => {
    for (const version of [1, 2]) {
      const input = seededInput(MLP, version);
      const ref = (await runOrt(path.join(repo, `mlp/${version}/model.onnx`), { input: { dims: MLP, data: input } })).output!;
      const json = await client.infer('mlp', [{ name: 'input', shape: MLP, datatype: 'FP32', data: input }], { version, id: 'w' });
      expect(json.status, json.error).toBe(200);
      expect(json.model_version).toBe(String(version));
      expect(json.id).toBe('w');
      expectClose(json.outputs[0], ref, `mlp v${version} JSON`);
      const bin = await client.infer('mlp', [{ name: 'input', shape: MLP, datatype: 'FP32', data: input }], { version, binaryInputs: true, binaryOutputs: true });
      expect(bin.outputs[0]!.data).toBeInstanceOf(Float32Array);
      expectClose(bin.outputs[0], ref, `mlp v${version} binary`);
    }
  });

  it('runs transformer_enc_dyn at two shapes', async () => {
    for (const dims of [[1, 5, 256], [2, 32, 256]]) {
      const input = seededInput(dims, 3);
      const ref = (await runOrt(path.join(repo, 'transformer_enc_dyn/1/model.onnx'), { input: { dims, data: input } })).output!;
      const r = await client.infer('transformer_enc_dyn', [{ name: 'input', shape: dims, datatype: 'FP32', data: input }], { binaryInputs: true, binaryOutputs: true });
      expect(r.status, r.error).toBe(200);
      expectClose(r.outputs[0], ref, `transformer ${dims}`);
    }
  });

  it('answers bad requests with the same statuses and JSON errors', async () => {
    const bad = await client.infer('mlp', [{ name: 'input', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }]);
    expect(bad.status).toBe(400);
    expect(bad.error).toMatch(/expected shape \[1,784\]/);
    const unknown = await client.infer('nope', [{ name: 'input', shape: MLP, datatype: 'FP32', data: [] }]);
    expect(unknown.status).toBe(404);
    expect(unknown.error).toMatch(/unknown model 'nope'/);
  });

  it('examples/cloudflare-worker is what deploy writes for examples/model-repository', () => {
    // Deployed from a copy laid out like the repository, so the paths in its README are the same.
    const root = path.join(dir, 'example');
    fs.cpSync(path.join(REPO_ROOT, 'examples/model-repository/tiny-mlp'), path.join(root, 'examples/model-repository/tiny-mlp'), { recursive: true, filter: (f) => !f.includes('compiled') });
    const r = spawnSync(process.execPath, [CLI, 'deploy', 'examples/model-repository', '--target', 'worker', '-o', 'examples/cloudflare-worker'], { cwd: root, encoding: 'utf8', timeout: 300_000 });
    expect(r.status, r.stderr).toBe(0);
    const list = (d: string) => fs.readdirSync(d, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(d, f)).isFile()).map((f) => f.split(path.sep).join('/')).sort();
    const ours = path.join(root, 'examples/cloudflare-worker');
    const committed = path.join(REPO_ROOT, 'examples/cloudflare-worker');
    expect(list(committed)).toEqual(list(ours));
    for (const f of list(ours)) expect(fs.readFileSync(path.join(committed, f)).equals(fs.readFileSync(path.join(ours, f))), `examples/cloudflare-worker/${f} is stale: rerun the command in its README`).toBe(true);
  });

  it('refuses a deployment over the Worker limits, naming the model versions and the numbers', () => {
    const mem = deploy(repo, '--target', 'worker', '-o', path.join(dir, 'w2'), '--max-memory', '4MB');
    expect(mem.status).toBe(1);
    expect(mem.stderr).toMatch(/^error: the Worker needs \d+ bytes in one isolate, \d+ bytes over the memory limit of 4194304 \(4\.0 MiB\): transformer_enc_dyn\/1 \d+ \(linear memory \d+ \+ module \d+ \+ weights \d+\), mlp\/\d \d+ /);
    const size = deploy(repo, '--target', 'worker', '-o', path.join(dir, 'w3'), '--max-script-size', '1MB');
    expect(size.status).toBe(1);
    expect(size.stderr).toMatch(/^error: the Worker bundle is \d+ bytes gzipped, \d+ bytes over the script size limit of 1048576 \(1\.0 MiB\): transformer_enc_dyn\/1 \d+, mlp\/\d \d+, mlp\/\d \d+, worker\.js \d+;/);
    expect(fs.existsSync(path.join(dir, 'w3', 'worker.js'))).toBe(false);
  });
});
