// `onnx2wasm serve` (the real CLI, a child process on 127.0.0.1) on a repository of shared models —
// mlp in two versions, mobilenet_v2, transformer_enc_dyn with symbolic dims — driven by an Open
// Inference Protocol client written from the protocol text; answers checked against onnxruntime-node.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxDiff, runOrt, seededInput } from './support/models.js';
import { OipClient, type TensorOut } from './support/oip-client.js';
import { startServe, type ServeProcess } from './support/serve-process.js';
import { tempDir, writeRepository } from './support/serve-repo.js';

const TOLERANCE = 1e-4;
const MLP = [1, 784];
const MOBILENET = [1, 3, 224, 224];

function expectClose(out: TensorOut | undefined, ref: { dims: number[]; data: Float32Array }, what: string): void {
  expect(out, what).toBeDefined();
  expect(out!.datatype, what).toBe('FP32');
  expect(out!.shape, what).toEqual(ref.dims);
  const { maxAbsDiff, maxAbsRef } = maxDiff(Array.from(out!.data as ArrayLike<number>), ref.data);
  expect(maxAbsDiff, `${what}: max diff ${maxAbsDiff} vs max |ref| ${maxAbsRef}`).toBeLessThanOrEqual(TOLERANCE * maxAbsRef);
}

describe('onnx2wasm serve', () => {
  let repo: string;
  let server: ServeProcess;
  let client: OipClient;
  const mlpInputs = [1, 2, 3, 4].map((seed) => seededInput(MLP, seed));
  /** refs[version][seed index] */
  const mlpRefs: Record<number, { dims: number[]; data: Float32Array }[]> = {};

  beforeAll(async () => {
    repo = writeRepository(tempDir('serve'), ['mlp', 'mobilenet_v2', 'transformer_enc_dyn']);
    // The server builds the repository first (mobilenet_v2 is the slow part).
    server = await startServe(repo, ['--instances', '2', '--max-body', '1MB']);
    client = new OipClient(server.url);
    for (const v of [1, 2]) {
      mlpRefs[v] = [];
      for (const input of mlpInputs) mlpRefs[v]!.push((await runOrt(path.join(repo, `mlp/${v}/model.onnx`), { input: { dims: MLP, data: input } })).output!);
    }
  }, 400_000);

  afterAll(async () => {
    await server?.stop();
    if (repo) fs.rmSync(repo, { recursive: true, force: true });
  });

  it('answers server metadata, liveness and readiness', async () => {
    const meta = await client.serverMetadata();
    expect(meta.status).toBe(200);
    expect(meta.body.name).toBe('onnx2wasm');
    expect(meta.body.extensions).toContain('binary_tensor_data');
    expect((await client.live()).status).toBe(200);
    expect((await client.ready()).status).toBe(200);
  });

  it('describes models with protocol datatypes, every version, and -1 for dynamic dims', async () => {
    const mlp = await client.modelMetadata('mlp');
    expect(mlp.body).toEqual({
      name: 'mlp', versions: ['1', '2'], platform: 'onnx2wasm',
      inputs: [{ name: 'input', datatype: 'FP32', shape: MLP }], outputs: [{ name: 'output', datatype: 'FP32', shape: [1, 10] }],
    });
    expect((await client.modelMetadata('mlp', 1)).body.name).toBe('mlp');
    const tr = await client.modelMetadata('transformer_enc_dyn');
    expect(tr.body.inputs).toEqual([{ name: 'input', datatype: 'FP32', shape: [-1, -1, 256] }]);
    expect((await client.modelMetadata('mobilenet_v2')).body.inputs[0].shape).toEqual(MOBILENET);
    expect((await client.modelReady('mlp', 2)).status).toBe(200);
    expect((await client.modelReady('mobilenet_v2')).status).toBe(200);
  });

  it('infers over JSON like onnxruntime-node; without a version the highest answers', async () => {
    const input = { name: 'input', shape: MLP, datatype: 'FP32', data: mlpInputs[0]! };
    const latest = await client.infer('mlp', [input], { id: 'req-1' });
    expect(latest.status, latest.error).toBe(200);
    expect(latest.model_name).toBe('mlp');
    expect(latest.model_version).toBe('2');
    expect(latest.id).toBe('req-1');
    expectClose(latest.outputs[0], mlpRefs[2]![0]!, 'mlp latest');
    const v1 = await client.infer('mlp', [input], { version: 1 });
    expect(v1.model_version).toBe('1');
    expectClose(v1.outputs[0], mlpRefs[1]![0]!, 'mlp v1');
  });

  it('accepts nested JSON data', async () => {
    const nested = [Array.from(mlpInputs[1]!)];
    const r = await client.infer('mlp', [{ name: 'input', shape: MLP, datatype: 'FP32', data: nested }], { version: 1 });
    expect(r.status, r.error).toBe(200);
    expectClose(r.outputs[0], mlpRefs[1]![1]!, 'nested input');
  });

  it('infers with binary tensors in both directions, and binary out for JSON in', async () => {
    const input = { name: 'input', shape: MLP, datatype: 'FP32', data: mlpInputs[2]! };
    const both = await client.infer('mlp', [input], { version: 2, binaryInputs: true, binaryOutputs: true });
    expect(both.status, both.error).toBe(200);
    expect(both.outputs[0]!.data).toBeInstanceOf(Float32Array);
    expectClose(both.outputs[0], mlpRefs[2]![2]!, 'binary in and out');
    const perOutput = await client.infer('mlp', [input], { version: 2, outputs: [{ name: 'output', binary: true }] });
    expect(perOutput.outputs[0]!.data).toBeInstanceOf(Float32Array);
    expectClose(perOutput.outputs[0], mlpRefs[2]![2]!, 'binary_data on the output');
  });

  it('runs mobilenet_v2 over binary data', async () => {
    const input = seededInput(MOBILENET, 7);
    const ref = (await runOrt(path.join(repo, 'mobilenet_v2/1/model.onnx'), { input: { dims: MOBILENET, data: input } })).output!;
    const r = await client.infer('mobilenet_v2', [{ name: 'input', shape: MOBILENET, datatype: 'FP32', data: input }], { binaryInputs: true, binaryOutputs: true });
    expect(r.status, r.error).toBe(200);
    expectClose(r.outputs[0], ref, 'mobilenet_v2');
  });

  it('runs transformer_enc_dyn at two shapes through the protocol (dynamic dims)', async () => {
    for (const [dims, seed] of [[[1, 8, 256], 1], [[2, 64, 256], 2]] as const) {
      const input = seededInput([...dims], seed);
      const ref = (await runOrt(path.join(repo, 'transformer_enc_dyn/1/model.onnx'), { input: { dims: [...dims], data: input } })).output!;
      const r = await client.infer('transformer_enc_dyn', [{ name: 'input', shape: [...dims], datatype: 'FP32', data: input }], { binaryInputs: true, binaryOutputs: true });
      expect(r.status, r.error).toBe(200);
      expectClose(r.outputs[0], ref, `transformer ${dims}`);
    }
  });

  it('answers every kind of bad request with its status and a JSON error', async () => {
    const url = `${server.url}/v2/models/mlp/infer`;
    const post = (body: BodyInit, headers: Record<string, string> = { 'content-type': 'application/json' }, u = url) => fetch(u, { method: 'POST', body, headers });
    const good = (over: Record<string, unknown>) => JSON.stringify({ inputs: [{ name: 'input', shape: MLP, datatype: 'FP32', data: Array.from(mlpInputs[0]!), ...over }] });
    const cases: [string, Promise<Response>, number, RegExp][] = [
      ['malformed JSON', post('{"inputs": ['), 400, /not valid JSON/],
      ['no inputs', post('{}'), 400, /inputs/],
      ['unknown input', post(good({ name: 'pixels' })), 400, /no input 'pixels'/],
      ['wrong datatype', post(good({ datatype: 'INT64' })), 400, /expected datatype FP32, got INT64/],
      ['wrong shape', post(good({ shape: [1, 783] })), 400, /expected shape \[1,784\]/],
      ['data length', post(good({ data: [1, 2, 3] })), 400, /needs 784 elements, data has 3/],
      ['non-number data', post(good({ data: Array(784).fill('x') })), 400, /not a valid FP32 value/],
      ['unknown output', post(JSON.stringify({ ...JSON.parse(good({})), outputs: [{ name: 'logits' }] })), 400, /no output 'logits'/],
      ['binary size', post(new Uint8Array(100), { 'inference-header-content-length': '500' }), 400, /Inference-Header-Content-Length/],
      ['body too large', post(new Uint8Array(2 * 1024 * 1024)), 413, /over the limit of 1048576 bytes/],
      ['past the max shape', post(JSON.stringify({ inputs: [{ name: 'input', shape: [1, 65, 256], datatype: 'FP32', data: Array(65 * 256).fill(0) }] }), undefined, `${server.url}/v2/models/transformer_enc_dyn/infer`), 400, /input 'input'/],
      ['unknown model', post(good({}), undefined, `${server.url}/v2/models/nope/infer`), 404, /unknown model 'nope'/],
      ['unknown version', post(good({}), undefined, `${server.url}/v2/models/mlp/versions/3/infer`), 404, /no served version '3'/],
      ['unknown path', fetch(`${server.url}/v2/nothing`), 404, /no route/],
      ['wrong method', fetch(url), 405, /GET is not allowed/],
    ];
    for (const [what, pending, status, message] of cases) {
      const res = await pending;
      expect(res.status, what).toBe(status);
      expect(res.headers.get('content-type'), what).toMatch(/application\/json/);
      expect(((await res.json()) as { error: string }).error, what).toMatch(message);
    }
  });

  it('answers 500 requests with 32 in flight, all correctly', async () => {
    const t0 = performance.now();
    let next = 0;
    let correct = 0;
    const workers = Array.from({ length: 32 }, async () => {
      while (next < 500) {
        const i = next++;
        const version = 1 + (i % 2);
        const seed = i % mlpInputs.length;
        const r = await client.infer('mlp', [{ name: 'input', shape: MLP, datatype: 'FP32', data: mlpInputs[seed]! }], { version, binaryInputs: i % 3 === 0, binaryOutputs: i % 4 === 0 });
        expect(r.status, r.error).toBe(200);
        expectClose(r.outputs[0], mlpRefs[version]![seed]!, `request ${i}`);
        correct++;
      }
    });
    await Promise.all(workers);
    expect(correct).toBe(500);
    console.log(`serve: 500 mlp requests, 32 in flight, 2 instances: ${(performance.now() - t0).toFixed(0)} ms (shared 2-core machine)`);
  });

  it('exports Prometheus metrics per model and version, and logs one line per request', async () => {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const count = (name: string, labels: string) => Number(new RegExp(`^${name}\\{${labels}\\} (\\d+)$`, 'm').exec(text)?.[1]);
    expect(count('onnx2wasm_inference_requests_total', 'model="mlp",version="1"')).toBeGreaterThanOrEqual(250);
    expect(count('onnx2wasm_inference_failures_total', 'model="mlp",version="2"')).toBeGreaterThan(0);
    expect(count('onnx2wasm_inference_duration_seconds_count', 'model="mobilenet_v2",version="1"')).toBe(1);
    expect(text).toMatch(/^onnx2wasm_inference_duration_seconds_bucket\{model="mlp",version="2",le="\+Inf"\} \d+$/m);
    expect(text).toMatch(/^onnx2wasm_inference_queue_depth \d+$/m);
    expect(server.log()).toMatch(/^POST \/v2\/models\/mlp\/versions\/1\/infer 200 [\d.]+ms$/m);
    expect(server.log()).toMatch(/^POST \/v2\/models\/nope\/infer 404 [\d.]+ms$/m);
  });

  it('refuses with 503 when the instances are busy and the queue is full', async () => {
    const small = await startServe(repo, ['--instances', '1', '--max-queue', '0', '--quiet']);
    try {
      const c = new OipClient(small.url);
      const input = seededInput(MOBILENET, 3);
      const results = await Promise.all(Array.from({ length: 8 }, () => c.infer('mobilenet_v2', [{ name: 'input', shape: MOBILENET, datatype: 'FP32', data: input }], { binaryInputs: true, binaryOutputs: true })));
      const statuses = results.map((r) => r.status);
      expect(statuses).toContain(200);
      expect(statuses).toContain(503);
      expect(results.find((r) => r.status === 503)!.error).toMatch(/--max-queue 0/);
      expect(small.log()).not.toMatch(/^POST/m);
    } finally {
      expect(await small.stop()).toBe(0);
    }
  }, 120_000);

  it('finishes every accepted request on SIGTERM, then exits', async () => {
    // 32 mobilenet_v2 requests keep the 2 instances busy for a while; 32 mlp requests queue behind them.
    const image = seededInput(MOBILENET, 11);
    const imageRef = (await runOrt(path.join(repo, 'mobilenet_v2/1/model.onnx'), { input: { dims: MOBILENET, data: image } })).output!;
    const jobs = Array.from({ length: 64 }, (_, i) => (i % 2 === 0 ? { model: 'mobilenet_v2', version: 1, seed: -1 } : { model: 'mlp', version: 1 + ((i >> 1) % 2), seed: (i >> 2) % mlpInputs.length }));
    let answered = 0;
    const pending = jobs.map(async (job) => {
      const input = job.seed < 0 ? { name: 'input', shape: MOBILENET, datatype: 'FP32', data: image } : { name: 'input', shape: MLP, datatype: 'FP32', data: mlpInputs[job.seed]! };
      const r = await client.infer(job.model, [input], { version: job.version, binaryInputs: true, binaryOutputs: true });
      answered++;
      return r;
    });
    // The signal goes when the first answer arrives (every request is on its way by then) or after
    // 300 ms, whichever is first: on a quiet machine 300 ms can be enough to answer all of them.
    await new Promise<void>((resolve) => {
      const t0 = Date.now();
      const poll = setInterval(() => { if (answered > 0 || Date.now() - t0 >= 300) { clearInterval(poll); resolve(); } }, 2);
    });
    const answeredBefore = answered;
    server.proc.kill('SIGTERM');
    const results = await Promise.all(pending);
    expect(answeredBefore, 'the load was still running at SIGTERM').toBeLessThan(jobs.length);
    results.forEach((r, i) => {
      const job = jobs[i]!;
      expect(r.status, r.error).toBe(200);
      expectClose(r.outputs[0], job.seed < 0 ? imageRef : mlpRefs[job.version]![job.seed]!, `request ${i} (${job.model}) during shutdown`);
    });
    expect(await server.exited).toBe(0);
    expect(server.log()).toMatch(/SIGTERM: finishing the requests in flight/);
    await expect(fetch(`${server.url}/v2/health/live`)).rejects.toThrow();
    console.log(`serve: SIGTERM with ${jobs.length - answeredBefore} of ${jobs.length} requests unanswered; all ${jobs.length} answered correctly, exit 0`);
  }, 60_000);
});
