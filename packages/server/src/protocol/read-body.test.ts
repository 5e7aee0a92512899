// The request path copies a binary tensor once: readBody assembles a chunked body so that the
// tensors after the JSON header are 8-aligned, and parseInferRequest then views them in place.
import { describe, expect, it } from 'vitest';
import { readBody } from './read-body.js';
import { parseInferRequest } from './parse-request.js';
import { validateRequest } from './validate.js';

function binaryRequest(values: Float32Array, chunks: number) {
  const header = new TextEncoder().encode(JSON.stringify({ inputs: [{ name: 'x', shape: [values.length], datatype: 'FP32', parameters: { binary_data_size: values.byteLength } }] }));
  const bytes = new Uint8Array(header.byteLength + values.byteLength);
  bytes.set(header);
  bytes.set(new Uint8Array(values.buffer), header.byteLength);
  const step = Math.ceil(bytes.byteLength / chunks);
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < bytes.byteLength; i += step) c.enqueue(bytes.slice(i, i + step));
      c.close();
    },
  });
  const request = new Request('http://test/v2/models/m/infer', { method: 'POST', body, headers: { 'inference-header-content-length': String(header.byteLength) }, duplex: 'half' } as RequestInit);
  return { request, headerLength: header.byteLength };
}

const model = { name: 'm', version: 1, inputs: [{ name: 'x', dtype: 'float32', dims: [-1] }], outputs: [] };

describe('the binary request path', () => {
  it('views a chunked body\'s tensor in place, aligned, whatever the JSON header length', async () => {
    const offsets = new Set<number>();
    for (const n of [9, 10, 100, 1000, 10000, 100000]) {
      const values = Float32Array.from({ length: 1000 + n }, (_, i) => i * 0.5 - 7);
      const { request, headerLength } = binaryRequest(values, 5);
      offsets.add(headerLength % 8);
      const body = await readBody(request, 1 << 20, headerLength);
      const req = parseInferRequest(body, String(headerLength));
      const bin = req.inputs[0]!.binary!;
      expect(bin.buffer).toBe(body.buffer);
      expect(bin.byteOffset % 8).toBe(0);
      const feeds = validateRequest(req, { ...model, inputs: [{ name: 'x', dtype: 'float32', dims: [values.length] }] });
      expect(feeds.x!.data).toEqual(values);
      expect((feeds.x!.data as Float32Array).buffer).toBe(body.buffer);
    }
    expect(offsets.size, 'header lengths with different remainders mod 8').toBeGreaterThan(1);
  });

  it('copies a tensor that a single unaligned chunk leaves misaligned, and reads it right', async () => {
    const values = Float32Array.from({ length: 33 }, (_, i) => i - 3.25);
    const { request, headerLength } = binaryRequest(values, 1);
    const body = await readBody(request, 1 << 20, headerLength);
    const req = parseInferRequest(body, String(headerLength));
    const feeds = validateRequest(req, { ...model, inputs: [{ name: 'x', dtype: 'float32', dims: [values.length] }] });
    expect(feeds.x!.data).toEqual(values);
    expect(((feeds.x!.data as Float32Array).byteOffset) % 4).toBe(0);
  });

  it('reads a body of declared length in one piece, still within the limit', async () => {
    const values = Float32Array.from({ length: 257 }, (_, i) => i / 3);
    const header = new TextEncoder().encode(JSON.stringify({ inputs: [{ name: 'x', shape: [values.length], datatype: 'FP32', parameters: { binary_data_size: values.byteLength } }] }));
    const bytes = new Uint8Array(header.byteLength + values.byteLength);
    bytes.set(header);
    bytes.set(new Uint8Array(values.buffer), header.byteLength);
    const declared = (limit: number) => readBody(new Request('http://test/', { method: 'POST', body: bytes, headers: { 'content-length': String(bytes.byteLength) } }), limit, header.byteLength);
    const body = await declared(1 << 20);
    expect(body).toEqual(bytes);
    const feeds = validateRequest(parseInferRequest(body, String(header.byteLength)), { ...model, inputs: [{ name: 'x', dtype: 'float32', dims: [values.length] }] });
    expect(feeds.x!.data).toEqual(values);
    await expect(declared(bytes.byteLength - 1)).rejects.toMatchObject({ status: 413 });
  });
});
