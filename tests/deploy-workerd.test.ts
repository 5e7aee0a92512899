// Compiled models deployed as a Cloudflare Worker and served by workerd on 127.0.0.1, checked
// against onnxruntime-node over HTTP: the example Worker (examples/worker-predict) with
// mobilenet_v2 (weights embedded, the example's own config.capnp) and transformer_enc (weights as
// a content-hashed data module), then 200 requests with 16 in flight. Prints cold start and latency.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODELS_DIR, REPO_ROOT, maxDiff, runOrt, seededInput } from './support/models.js';
import { workerdMissing } from './support/browsers.js';
import { median, percentile, retryUntil, startWorkerd, workerdConfig, type Workerd } from './support/workerd.js';

const MAIN = path.join(REPO_ROOT, 'packages/compiler/dist/cli/main.js');
const EXAMPLE = path.join(REPO_ROOT, 'examples/worker-predict');
const TOLERANCE = 1e-4;
const SEEDS = [1, 2, 3, 4];
const SEQUENTIAL = 20;
const REQUESTS = 200;
const IN_FLIGHT = 16;

interface Ref { input: Float32Array; output: Float32Array }

const CASES = [
  { model: 'mobilenet_v2', dims: [1, 3, 224, 224], embed: true },
  { model: 'transformer_enc', dims: [1, 128, 256], embed: false },
];

function expectClose(ours: ArrayLike<number>, ref: Float32Array, what: string): void {
  expect(ours.length, what).toBe(ref.length);
  const { maxAbsDiff, maxAbsRef } = maxDiff(ours, ref);
  expect(maxAbsDiff, `${what}: max diff ${maxAbsDiff} vs max |ref| ${maxAbsRef}`).toBeLessThanOrEqual(TOLERANCE * maxAbsRef);
}

const predictBinary = (url: string, input: Float32Array) =>
  fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', accept: 'application/octet-stream' }, body: input });

async function binaryOutput(res: Response): Promise<Float32Array> {
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  return new Float32Array(await res.arrayBuffer());
}

const skip = workerdMissing();
if (skip) console.warn(`skipping tests/deploy-workerd.test.ts: ${skip}`);

describe.skipIf(skip).each(CASES)('$model as a Worker in workerd', ({ model, dims, embed }) => {
  const file = path.join(MODELS_DIR, `${model}.onnx`);
  let dir: string;
  let server: Workerd;
  let refs: Ref[];

  beforeAll(async () => {
    if (!fs.existsSync(MAIN)) throw new Error('the CLI is not built: run `npm run build` first (`npm test` does)');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `onnx2wasm-workerd-${model}-`));
    fs.cpSync(path.join(EXAMPLE, 'src'), path.join(dir, 'src'), { recursive: true });
    const args = ['compile', file, '-o', path.join(dir, 'model'), '--target', 'worker', '--input-shape', `input=${dims.join(',')}`, ...(embed ? ['--embed-weights'] : [])];
    const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 180_000 });
    expect(r.status, r.stderr).toBe(0);
    console.log(r.stdout.trimEnd());
    // mobilenet's ~13 MiB of barely compressible weights are over Cloudflare's paid-plan size: a warning, not a failure.
    if (model === 'mobilenet_v2') expect(r.stderr).toMatch(/^warning: the Worker bundle is \d+ bytes gzipped .* over Cloudflare's 10\.0 MiB Worker size limit/m);
    const modules = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => f.split(path.sep).join('/'))
      .filter((f) => /\.(js|wasm|bin)$/.test(f)).sort();
    if (embed) {
      // The example's config.capnp lists its modules by hand: it must name exactly what compile wrote.
      const config = fs.readFileSync(path.join(EXAMPLE, 'config.capnp'), 'utf8');
      const listed = [...config.matchAll(/embed "([^"]+)"/g)].map((m) => m[1]!).sort();
      expect(listed, 'examples/worker-predict/config.capnp lists other modules than a --target worker --embed-weights compile writes').toEqual(modules);
      fs.copyFileSync(path.join(EXAMPLE, 'config.capnp'), path.join(dir, 'config.capnp'));
    } else {
      expect(modules.some((f) => /^model\/model\.[0-9a-f]{16}\.bin$/.test(f)), modules.join(', ')).toBe(true);
      fs.writeFileSync(path.join(dir, 'config.capnp'), workerdConfig('src/index.js', modules));
    }
    refs = [];
    for (const seed of SEEDS) {
      const input = seededInput(dims, seed);
      refs.push({ input, output: (await runOrt(file, { input: { dims, data: input } })).output!.data });
    }

    server = await startWorkerd(path.join(dir, 'config.capnp'));
    const info = await retryUntil(async () => (await fetch(`${server.url}/`)).json(), 60_000, `workerd (${server.log()})`);
    const listenMs = performance.now() - server.startedAt;
    expect(info.inputs[0].dims).toEqual(dims);
    const first = await binaryOutput(await predictBinary(server.url, refs[0]!.input));
    const firstMs = performance.now() - server.startedAt;
    expectClose(first, refs[0]!.output, 'first answer');
    console.log(`${model} in workerd: listening ${listenMs.toFixed(0)} ms after start, first prediction answered ${firstMs.toFixed(0)} ms after start`);
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers a JSON request like onnxruntime-node', async () => {
    const { input, output } = refs[1]!;
    const res = await fetch(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dims, data: Array.from(input) }) });
    expect(res.status, server.log()).toBe(200);
    const body = (await res.json()) as { output: { dtype: string; dims: number[]; data: number[] } };
    expect(body.output.dtype).toBe('float32');
    expect(body.output.dims).toEqual(dims.length === 4 ? [1, 1000] : dims);
    expectClose(body.output.data, output, 'JSON answer');
  });

  it('answers a binary request with the output bytes and their dims', async () => {
    const res = await predictBinary(server.url, refs[2]!.input);
    expect(res.headers.get('x-dtype')).toBe('float32');
    expect(res.headers.get('x-dims')).toBe((dims.length === 4 ? [1, 1000] : dims).join(','));
    expectClose(await binaryOutput(res), refs[2]!.output, 'binary answer');
  });

  it('rejects a malformed request with 400 and a message', async () => {
    const short = await fetch(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Float32Array(10) });
    expect(short.status).toBe(400);
    expect(((await short.json()) as { error: string }).error).toMatch(/input 'input'/);
    const junk = await fetch(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"dims":' });
    expect(junk.status).toBe(400);
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });

  it('answers one request at a time in a steady time (per-request latency)', async () => {
    const latencies: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i++) {
      const ref = refs[i % refs.length]!;
      const start = performance.now();
      expectClose(await binaryOutput(await predictBinary(server.url, ref.input)), ref.output, `sequential request ${i}`);
      latencies.push(performance.now() - start);
    }
    console.log(`${model} in workerd: ${SEQUENTIAL} sequential requests, latency median ${median(latencies).toFixed(1)} ms, min ${Math.min(...latencies).toFixed(1)} ms`);
  }, 120_000);

  it(`serves ${REQUESTS} requests with ${IN_FLIGHT} in flight, all correct`, async () => {
    const latencies: number[] = [];
    const failures: string[] = [];
    let next = 0;
    const t0 = performance.now();
    const worker = async () => {
      while (next < REQUESTS) {
        const i = next++;
        const ref = refs[i % refs.length]!;
        const start = performance.now();
        try {
          const out = await binaryOutput(await predictBinary(server.url, ref.input));
          latencies.push(performance.now() - start);
          const { maxAbsDiff, maxAbsRef } = maxDiff(out, ref.output);
          if (out.length !== ref.output.length || maxAbsDiff > TOLERANCE * maxAbsRef) failures.push(`request ${i}: max diff ${maxAbsDiff}`);
        } catch (e) {
          failures.push(`request ${i}: ${(e as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const seconds = (performance.now() - t0) / 1000;
    expect(failures, server.log()).toEqual([]);
    expect(latencies).toHaveLength(REQUESTS);
    console.log(`${model} in workerd: ${REQUESTS} requests, ${IN_FLIGHT} in flight, in ${seconds.toFixed(1)} s (${(REQUESTS / seconds).toFixed(1)}/s); ` +
      `latency median ${median(latencies).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms`);
  }, 300_000);

  it(`a burst of ${IN_FLIGHT} requests on a cold isolate shares one load and all succeed`, async () => {
    const cold = await startWorkerd(path.join(dir, 'config.capnp'));
    try {
      await retryUntil(() => fetch(`${cold.url}/`), 60_000, `workerd (${cold.log()})`);
      const outs = await Promise.all(Array.from({ length: IN_FLIGHT }, (_, i) => predictBinary(cold.url, refs[i % refs.length]!.input).then(binaryOutput)));
      outs.forEach((out, i) => expectClose(out, refs[i % refs.length]!.output, `burst request ${i}`));
    } finally {
      await cold.stop();
    }
  }, 120_000);
});
