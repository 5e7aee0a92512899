// Step 4 of an inference: the model's outputs → the protocol's response, JSON or (binary data
// extension) a JSON header followed by the outputs that asked for binary, in output order.
import type { Tensor } from '@onnx2wasm/runtime';
import { bf16ToFloat, datatypeName, halfToFloat } from './datatypes.js';
import type { InferRequest } from './parse-request.js';

function toJsonData(t: Tensor): (number | boolean)[] {
  const d = t.data;
  if (t.dtype === 'bool') return Array.from(d as Uint8Array, (x) => x !== 0);
  if (t.dtype === 'float16') return Array.from(d as Uint16Array, halfToFloat);
  if (t.dtype === 'bfloat16') return Array.from(d as Uint16Array, bf16ToFloat);
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) return Array.from(d, Number);
  return Array.from(d as ArrayLike<number>);
}

const bytesOf = (t: Tensor) => new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);

export function encodeInferResponse(req: InferRequest, model: { name: string; version: number; outputs: { name: string }[] }, results: Record<string, Tensor>): Response {
  const wanted: { name: string; binary?: boolean }[] = req.outputs ?? model.outputs.map((o) => ({ name: o.name }));
  const binaries: Uint8Array[] = [];
  const outputs = wanted.map(({ name, binary }) => {
    const t = results[name]!;
    const head = { name, datatype: datatypeName(t.dtype), shape: t.dims };
    if (binary ?? req.binaryOutputs) {
      const bytes = bytesOf(t);
      binaries.push(bytes);
      return { ...head, parameters: { binary_data_size: bytes.byteLength } };
    }
    return { ...head, data: toJsonData(t) };
  });
  const json = JSON.stringify({ model_name: model.name, model_version: String(model.version), ...(req.id !== undefined ? { id: req.id } : {}), outputs });
  if (binaries.length === 0) return new Response(json, { headers: { 'content-type': 'application/json' } });
  const header = new TextEncoder().encode(json);
  const body = new Uint8Array(header.byteLength + binaries.reduce((n, b) => n + b.byteLength, 0));
  body.set(header, 0);
  let offset = header.byteLength;
  for (const b of binaries) { body.set(b, offset); offset += b.byteLength; }
  return new Response(body, { headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.byteLength) } });
}
