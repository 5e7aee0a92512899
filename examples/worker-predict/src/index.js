// A Cloudflare Worker serving a compiled onnx2wasm model:
//   GET  /         the model's inputs, outputs and weights version
//   POST /predict  a tensor in, the outputs out
// Request body: JSON `{ "dims": [...], "data": [...] }` for a one-input model, or
// `{ "<input>": { "dims", "data" }, ... }`; or the raw little-endian bytes of the only input
// (Content-Type: application/octet-stream, dims from an `X-Dims: 1,3,224,224` header or the model's).
// Response: JSON `{ "<output>": { "dtype", "dims", "data" } }`, or with `Accept: application/octet-stream`
// the raw bytes of one output (the only one, or `?output=<name>`) with X-Output, X-Dtype and X-Dims headers.
import { WEIGHTS, inputs, load, outputs } from '../model/model.js';

const ARRAYS = {
  float32: Float32Array, float64: Float64Array, float16: Uint16Array, int8: Int8Array, int16: Int16Array, int32: Int32Array,
  int64: BigInt64Array, uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, uint64: BigUint64Array, bool: Uint8Array,
};
const BIG = new Set(['int64', 'uint64']);

class BadRequest extends Error {}

const json = (body, status = 200, headers = {}) =>
  new Response(JSON.stringify(body, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)), { status, headers: { 'content-type': 'application/json', ...headers } });

function parseDims(text, fallback) {
  if (text === null) return fallback;
  const dims = text.split(',').map((d) => Number(d.trim()));
  if (!dims.every((d) => Number.isInteger(d) && d >= 0)) throw new BadRequest(`X-Dims must be comma-separated non-negative integers, got '${text}'`);
  return dims;
}

function tensorFromJson(info, value) {
  if (!value || !Array.isArray(value.dims) || !Array.isArray(value.data)) throw new BadRequest(`input '${info.name}' must be { "dims": [...], "data": [...] }`);
  const Ctor = ARRAYS[info.dtype];
  const data = BIG.has(info.dtype) ? Ctor.from(value.data, (x) => BigInt(x)) : Ctor.from(value.data);
  return { dtype: info.dtype, dims: value.dims, data };
}

async function readFeeds(request) {
  const type = request.headers.get('content-type') ?? '';
  if (type.startsWith('application/octet-stream')) {
    if (inputs.length !== 1) throw new BadRequest(`a binary body needs a one-input model; this one has ${inputs.length}: send JSON`);
    const info = inputs[0];
    const Ctor = ARRAYS[info.dtype];
    const bytes = await request.arrayBuffer();
    if (bytes.byteLength % Ctor.BYTES_PER_ELEMENT !== 0) throw new BadRequest(`the body has ${bytes.byteLength} bytes, not a whole number of ${info.dtype} values`);
    return { [info.name]: { dtype: info.dtype, dims: parseDims(request.headers.get('x-dims'), info.dims), data: new Ctor(bytes) } };
  }
  let body;
  try {
    body = await request.json();
  } catch {
    throw new BadRequest('the body is neither JSON nor application/octet-stream');
  }
  if (body && 'data' in body) {
    if (inputs.length !== 1) throw new BadRequest(`this model has ${inputs.length} inputs: send { "<input>": { dims, data }, ... }`);
    return { [inputs[0].name]: tensorFromJson(inputs[0], body) };
  }
  return Object.fromEntries(inputs.map((info) => [info.name, tensorFromJson(info, body?.[info.name])]));
}

function binaryOutput(out, requested) {
  const name = requested ?? (outputs.length === 1 ? outputs[0].name : undefined);
  if (name === undefined || !(name in out)) {
    return json({ error: `name one output with ?output=<name> (outputs: ${outputs.map((o) => o.name).join(', ')})` }, 406);
  }
  const t = out[name];
  return new Response(t.data, { headers: { 'content-type': 'application/octet-stream', 'x-output': name, 'x-dtype': t.dtype, 'x-dims': t.dims.join(',') } });
}

async function predict(request) {
  let feeds;
  try {
    feeds = await readFeeds(request);
  } catch (e) {
    if (e instanceof BadRequest) return json({ error: e.message }, 400);
    throw e;
  }
  // The first request of an isolate loads the model; the rest reuse it (see load() in model.js).
  const model = await load();
  let out;
  try {
    out = await model.run(feeds);
  } catch (e) {
    if (e.name === 'RuntimeInputError') return json({ error: e.message, code: e.code }, 400);
    throw e;
  }
  if ((request.headers.get('accept') ?? '').includes('application/octet-stream')) return binaryOutput(out, new URL(request.url).searchParams.get('output') ?? undefined);
  return json(Object.fromEntries(Object.entries(out).map(([k, t]) => [k, { dtype: t.dtype, dims: t.dims, data: Array.from(t.data) }])));
}

export default {
  async fetch(request) {
    const { pathname } = new URL(request.url);
    try {
      if (pathname === '/' && request.method === 'GET') return json({ inputs, outputs, weights: WEIGHTS });
      if (pathname !== '/predict') return json({ error: `no route ${pathname}: POST /predict` }, 404);
      if (request.method !== 'POST') return json({ error: 'POST /predict' }, 405, { allow: 'POST' });
      return await predict(request);
    } catch (e) {
      return json({ error: `the model failed: ${e.message}`, code: e.code }, 500);
    }
  },
};
