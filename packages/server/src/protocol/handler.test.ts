// The protocol handlers on their own, in memory: a fake backend (doubles its input) behind
// createHandler, driven with Fetch Requests. The end-to-end tests (tests/serve*.test.ts) run the
// same handlers in the Node server and in workerd.
import { describe, expect, it } from 'vitest';
import type { Tensor } from '@onnx2wasm/runtime';
import type { InferenceBackend } from './backend.js';
import { createHandler } from './handler.js';
import { UnavailableError } from './errors.js';

function fakeBackend(opts: { busy?: boolean; fail?: Error } = {}): InferenceBackend {
  return {
    models: [
      { name: 'double', version: 1, inputs: [{ name: 'x', dtype: 'float32', dims: ['n', 2] }], outputs: [{ name: 'y', dtype: 'float32', dims: ['n', 2] }] },
      { name: 'double', version: 3, inputs: [{ name: 'x', dtype: 'float32', dims: ['n', 2] }], outputs: [{ name: 'y', dtype: 'float32', dims: ['n', 2] }] },
      { name: 'flags', version: 1, inputs: [{ name: 'b', dtype: 'bool', dims: [3] }, { name: 'i', dtype: 'int64', dims: [2] }, { name: 'h', dtype: 'float16', dims: [1] }], outputs: [{ name: 'b', dtype: 'bool', dims: [3] }, { name: 'i', dtype: 'int64', dims: [2] }, { name: 'h', dtype: 'float16', dims: [1] }] },
    ],
    isReady: () => true,
    queueDepth: () => 0,
    async infer(name, _version, feeds) {
      if (opts.busy) throw new UnavailableError('busy');
      if (opts.fail) throw opts.fail;
      if (name === 'flags') return feeds;
      const x = feeds.x!;
      return { y: { dtype: 'float32', dims: x.dims, data: (x.data as Float32Array).map((v) => v * 2) } as Tensor };
    },
  };
}

const post = (path: string, body: BodyInit, headers: Record<string, string> = {}) => new Request(`http://test${path}`, { method: 'POST', body, headers });

describe('createHandler', () => {
  const handle = createHandler({ backend: fakeBackend(), name: 'test', version: '9', maxBodyBytes: 4096 });

  it('serves metadata with -1 for symbolic dims and the highest version by default', async () => {
    const meta = await (await handle(new Request('http://test/v2/models/double'))).json();
    expect(meta).toEqual({ name: 'double', versions: ['1', '3'], platform: 'onnx2wasm', inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 2] }], outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 2] }] });
    const res = await handle(post('/v2/models/double/infer', JSON.stringify({ inputs: [{ name: 'x', shape: [2, 2], datatype: 'FP32', data: [[1, 2], [3, 4]] }] })));
    expect(await res.json()).toEqual({ model_name: 'double', model_version: '3', outputs: [{ name: 'y', datatype: 'FP32', shape: [2, 2], data: [2, 4, 6, 8] }] });
  });

  it('round-trips binary tensors', async () => {
    const header = new TextEncoder().encode(JSON.stringify({ inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32', parameters: { binary_data_size: 8 } }], outputs: [{ name: 'y', parameters: { binary_data: true } }] }));
    const body = new Uint8Array(header.byteLength + 8);
    body.set(header);
    body.set(new Uint8Array(new Float32Array([1.5, -2]).buffer), header.byteLength);
    const res = await handle(post('/v2/models/double/versions/1/infer', body, { 'inference-header-content-length': String(header.byteLength) }));
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const n = Number(res.headers.get('inference-header-content-length'));
    expect(JSON.parse(new TextDecoder().decode(bytes.subarray(0, n))).outputs[0].parameters).toEqual({ binary_data_size: 8 });
    expect(Array.from(new Float32Array(bytes.slice(n).buffer))).toEqual([3, -4]);
  });

  it('converts BOOL, INT64 and FP16 both ways in JSON', async () => {
    const res = await handle(post('/v2/models/flags/infer', JSON.stringify({ inputs: [
      { name: 'b', shape: [3], datatype: 'BOOL', data: [true, false, 1] },
      { name: 'i', shape: [2], datatype: 'INT64', data: [-5, 9007199254740991] },
      { name: 'h', shape: [1], datatype: 'FP16', data: [0.333] },
    ] })));
    const out = (await res.json()).outputs;
    expect(out[0].data).toEqual([true, false, true]);
    expect(out[1].data).toEqual([-5, 9007199254740991]);
    expect(out[2].data[0]).toBeCloseTo(0.333, 3);
  });

  it('maps every failure to its status and a JSON error', async () => {
    const cases: [Request, number, RegExp][] = [
      [post('/v2/models/double/infer', '[1'), 400, /not valid JSON/],
      [post('/v2/models/double/infer', JSON.stringify({ inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] })), 400, /expected shape \[-1,2\], got \[1,3\]/],
      [post('/v2/models/double/infer', JSON.stringify({ inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32', data: [1, null] }] })), 400, /data\[1\] = null/],
      [post('/v2/models/flags/infer', JSON.stringify({ inputs: [{ name: 'i', shape: [2], datatype: 'INT64', data: [1.5, 2] }] })), 400, /not a valid INT64/],
      [post('/v2/models/double/infer', new Uint8Array(5000)), 413, /over the limit of 4096 bytes/],
      [post('/v2/models/double/versions/2/infer', '{}'), 404, /no served version '2' \(served: 1, 3\)/],
      [new Request('http://test/v2/models/double/infer'), 405, /GET is not allowed/],
      [new Request('http://test/predict'), 404, /under \/v2/],
    ];
    for (const [req, status, message] of cases) {
      const res = await handle(req);
      expect(res.status, req.url).toBe(status);
      expect((await res.json()).error).toMatch(message);
    }
    const busy = createHandler({ backend: fakeBackend({ busy: true }) });
    expect((await busy(post('/v2/models/double/infer', JSON.stringify({ inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32', data: [1, 2] }] })))).status).toBe(503);
    const broken = createHandler({ backend: fakeBackend({ fail: Object.assign(new Error('trap'), { name: 'RuntimeError', code: 'EXECUTION_FAILED' }) }) });
    const res = await broken(post('/v2/models/double/infer', JSON.stringify({ inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32', data: [1, 2] }] })));
    expect(res.status).toBe(500);
    expect((await res.json()).error).toBe('inference failed: trap');
    // A failed check on the request's values (an index out of range) is the client's: 400.
    const badIndex = createHandler({ backend: fakeBackend({ fail: Object.assign(new Error('the model trapped while running: unreachable'), { name: 'RuntimeError', code: 'EXECUTION_FAILED', reason: 'FAILED_CHECK' }) }) });
    expect((await badIndex(post('/v2/models/double/infer', JSON.stringify({ inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32', data: [1, 2] }] })))).status).toBe(400);
  });

  it('counts requests, failures and latency per model and version', async () => {
    const text = await (await handle(new Request('http://test/metrics'))).text();
    expect(text).toMatch(/^onnx2wasm_inference_requests_total\{model="double",version="3"\} \d+$/m);
    expect(text).toMatch(/^onnx2wasm_inference_duration_seconds_count\{model="double",version="1"\} 1$/m);
    expect(text).toMatch(/^onnx2wasm_http_requests_total\{code="413"\} 1$/m);
  });
});
