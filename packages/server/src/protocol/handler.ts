// The Open Inference Protocol (KServe v2 REST) against the Fetch API: Request → Response. Written
// once; node/http-adapter.ts serves it with node:http and Worker bundles export it as `fetch`.
// An inference is a pipeline of named steps — readBody → parseInferRequest → validateRequest →
// backend.infer → encodeInferResponse — each throwing a ProtocolError with its status, which
// `respond` turns into `{ "error": message }`.
import type { InferenceBackend, ModelVersionInfo } from './backend.js';
import { datatypeName } from './datatypes.js';
import { encodeInferResponse } from './encode-response.js';
import { MethodNotAllowedError, NotFoundError, ProtocolError, toProtocolError } from './errors.js';
import { Metrics } from './metrics.js';
import { parseInferRequest } from './parse-request.js';
import { readBody } from './read-body.js';
import { validateRequest } from './validate.js';

export interface HandlerOptions {
  backend: InferenceBackend;
  /** Server metadata (GET /v2). */
  name?: string;
  version?: string;
  /** Largest request body in bytes (default 64 MiB). */
  maxBodyBytes?: number;
  metrics?: Metrics;
  /** While true, /v2/health/ready answers 503 (graceful shutdown: requests still run). */
  isDraining?: () => boolean;
}

export type FetchHandler = (request: Request) => Promise<Response>;

// Only what is implemented: Triton's repository extensions (index, load, unload) are not.
export const EXTENSIONS = ['binary_tensor_data'];
export const DEFAULT_MAX_BODY = 64 * 1024 * 1024;

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const errorResponse = (e: ProtocolError) => json({ error: e.message }, e.status);

function tensorMeta(t: { name: string; dtype: string; dims: (number | string)[] }) {
  return { name: t.name, datatype: datatypeName(t.dtype), shape: t.dims.map((d) => (typeof d === 'number' ? d : -1)) };
}

function requireMethod(request: Request, path: string, method: 'GET' | 'POST'): void {
  if (request.method !== method && !(method === 'GET' && request.method === 'HEAD')) throw new MethodNotAllowedError(request.method, path, method);
}

export function createHandler(options: HandlerOptions): FetchHandler {
  const { backend } = options;
  const metrics = options.metrics ?? new Metrics();
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const byName = new Map<string, ModelVersionInfo[]>();
  for (const m of backend.models) byName.set(m.name, [...(byName.get(m.name) ?? []), m].sort((a, b) => a.version - b.version));

  /** The named version, or the highest served one. */
  function findModel(name: string, version: string | undefined): ModelVersionInfo {
    const versions = byName.get(name);
    if (!versions) throw new NotFoundError(`unknown model '${name}' (models: ${[...byName.keys()].join(', ')})`);
    if (version === undefined) return versions[versions.length - 1]!;
    const found = /^[1-9][0-9]*$/.test(version) ? versions.find((v) => v.version === Number(version)) : undefined;
    if (!found) throw new NotFoundError(`model '${name}' has no served version '${version}' (served: ${versions.map((v) => v.version).join(', ')})`);
    return found;
  }

  async function infer(request: Request, model: ModelVersionInfo): Promise<Response> {
    let ran = false;
    const t0 = performance.now();
    try {
      const headerLength = request.headers.get('inference-header-content-length');
      const body = await readBody(request, maxBody, Number(headerLength) || 0);
      const req = parseInferRequest(body, headerLength);
      const feeds = validateRequest(req, model);
      ran = true;
      const results = await backend.infer(model.name, model.version, feeds);
      const response = encodeInferResponse(req, model, results);
      metrics.observeInference(model.name, model.version, true, (performance.now() - t0) / 1000);
      return response;
    } catch (e) {
      metrics.observeInference(model.name, model.version, false, ran ? (performance.now() - t0) / 1000 : undefined);
      throw e;
    }
  }

  async function route(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname.replace(/\/+$/, '') || '/';
    const parts = path.split('/').slice(1).map(decodeURIComponent);
    if (path === '/metrics') {
      requireMethod(request, path, 'GET');
      return new Response(metrics.render(backend.queueDepth()), { headers: { 'content-type': 'text/plain; version=0.0.4' } });
    }
    if (parts[0] !== 'v2') throw new NotFoundError(`no route for ${path} (the API is under /v2)`);
    if (parts.length === 1) {
      requireMethod(request, path, 'GET');
      return json({ name: options.name ?? 'onnx2wasm', version: options.version ?? '', extensions: EXTENSIONS });
    }
    if (parts[1] === 'health' && parts.length === 3 && (parts[2] === 'live' || parts[2] === 'ready')) {
      requireMethod(request, path, 'GET');
      if (parts[2] === 'live') return json({ live: true });
      const ready = !options.isDraining?.() && backend.models.every((m) => backend.isReady(m.name, m.version));
      return json({ ready }, ready ? 200 : 503);
    }
    if (parts[1] === 'models' && parts.length >= 3) {
      // /v2/models/{name}[/versions/{v}][/ready|/infer]
      const name = parts[2]!;
      let rest = parts.slice(3);
      let version: string | undefined;
      if (rest[0] === 'versions' && rest.length >= 2) { version = rest[1]; rest = rest.slice(2); }
      if (rest.length === 0) {
        requireMethod(request, path, 'GET');
        const model = findModel(name, version);
        return json({
          name, versions: byName.get(name)!.map((v) => String(v.version)), platform: 'onnx2wasm',
          inputs: model.inputs.map(tensorMeta), outputs: model.outputs.map(tensorMeta),
        });
      }
      if (rest.length === 1 && rest[0] === 'ready') {
        requireMethod(request, path, 'GET');
        const model = findModel(name, version);
        const ready = backend.isReady(model.name, model.version);
        return json({ name, version: String(model.version), ready }, ready ? 200 : 503);
      }
      if (rest.length === 1 && rest[0] === 'infer') {
        requireMethod(request, path, 'POST');
        return infer(request, findModel(name, version));
      }
    }
    throw new NotFoundError(`no route for ${path}`);
  }

  return async (request) => {
    let response: Response;
    try {
      response = await route(request);
    } catch (e) {
      response = errorResponse(toProtocolError(e));
    }
    metrics.observeHttp(response.status);
    return response;
  };
}
