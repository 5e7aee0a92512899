// One model instance set on a worker thread: loads every served model version of the repository
// at start, then runs the requests the pool sends it, one at a time. Errors go back as
// { name, code, message } so the pool can rebuild them (errors do not cross threads as classes).
import * as fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { loadModel, relaxedSimdSupported, type Model, type Tensor } from '@onnx2wasm/runtime';

/** Paths of a version's files; with a relaxed-SIMD build, loadModel runs it where the engine can. */
export interface InstanceModel { name: string; version: number; wasm: string; relaxedWasm: string | null; weights: string | null }
export type InstanceRequest = { id: number; name: string; version: number; feeds: Record<string, Tensor> };
export type InstanceReply =
  | { type: 'ready' }
  | { type: 'load-failed'; message: string }
  | { id: number; outputs: Record<string, Tensor> }
  | { id: number; error: { name: string; code?: string; message: string } };

const port = parentPort!;
const models = new Map<string, Model>();

async function loadAll(list: InstanceModel[]): Promise<void> {
  for (const m of list) {
    const wasm = fs.readFileSync(m.wasm);
    const weights = m.weights ? fs.readFileSync(m.weights) : undefined;
    const relaxedWasm = m.relaxedWasm && relaxedSimdSupported() ? fs.readFileSync(m.relaxedWasm) : undefined;
    models.set(`${m.name}/${m.version}`, await loadModel({ wasm, relaxedWasm, weights }));
  }
}

port.on('message', async (req: InstanceRequest) => {
  try {
    const outputs = await models.get(`${req.name}/${req.version}`)!.run(req.feeds);
    port.postMessage({ id: req.id, outputs } satisfies InstanceReply, Object.values(outputs).map((t) => t.data.buffer as ArrayBuffer));
  } catch (e) {
    const err = e as Error & { code?: string };
    port.postMessage({ id: req.id, error: { name: err.name ?? 'Error', code: err.code, message: err.message ?? String(e) } } satisfies InstanceReply);
  }
});

loadAll(workerData.models as InstanceModel[]).then(
  () => port.postMessage({ type: 'ready' } satisfies InstanceReply),
  (e: Error) => port.postMessage({ type: 'load-failed', message: `${e.name}: ${e.message}` } satisfies InstanceReply),
);
