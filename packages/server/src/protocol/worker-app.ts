// The protocol on Cloudflare Workers (and workerd): models are loaded in the isolate at their
// first request and shared by all later ones; `run` is synchronous inside, so requests to one
// isolate take turns and need no queue of ours (the platform queues and adds isolates).
import { loadModel, type Model } from '@onnx2wasm/runtime';
import type { InferenceBackend, ModelVersionInfo } from './backend.js';
import { createHandler } from './handler.js';
import { NotFoundError } from './errors.js';

export interface WorkerModel extends ModelVersionInfo {
  /** Compiled at upload: Workers may not compile wasm at run time. */
  wasm: WebAssembly.Module;
  /** The weights data module; undefined when embedded. */
  weights?: ArrayBuffer;
}

export function createWorkerApp(models: WorkerModel[], server: { name?: string; version?: string; maxBodyBytes?: number } = {}): { fetch(request: Request): Promise<Response> } {
  const loaded = new Map<string, Promise<Model>>();
  const key = (name: string, version: number) => `${name}/${version}`;
  const backend: InferenceBackend = {
    models: models.map(({ name, version, inputs, outputs }) => ({ name, version, inputs, outputs })),
    // Loading takes one request's time at most; an isolate reports ready and loads on demand.
    isReady: (name, version) => models.some((m) => m.name === name && m.version === version),
    queueDepth: () => 0,
    async infer(name, version, feeds) {
      const k = key(name, version);
      let model = loaded.get(k);
      if (!model) {
        const m = models.find((x) => x.name === name && x.version === version);
        if (!m) throw new NotFoundError(`unknown model '${name}' version ${version}`);
        model = loadModel({ wasm: m.wasm, weights: m.weights });
        loaded.set(k, model);
        // A failed load is not kept: the next request retries.
        model.catch(() => loaded.delete(k));
      }
      return (await model).run(feeds);
    },
  };
  const handler = createHandler({ backend, ...server });
  return { fetch: (request) => handler(request) };
}
