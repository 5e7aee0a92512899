// --instances N model instances on worker_threads, with a bounded queue in front: a request waits
// for a free instance, and past --max-queue waiting requests it is refused with 503 at once,
// so an overloaded server answers quickly instead of growing its memory and latency without end.
import { Worker } from 'node:worker_threads';
import type { Tensor } from '@onnx2wasm/runtime';
import type { InferenceBackend, ModelVersionInfo } from '../protocol/backend.js';
import { UnavailableError } from '../protocol/errors.js';
import type { InstanceModel, InstanceReply } from './instance-worker.js';

interface Job { id: number; name: string; version: number; feeds: Record<string, Tensor>; resolve(o: Record<string, Tensor>): void; reject(e: unknown): void }
interface Instance { worker: Worker; job?: Job; ready: boolean }

export interface PoolOptions { instances: number; maxQueue: number }

/** An error thrown in a worker thread, rebuilt with its name and code. */
function rebuild(e: { name: string; code?: string; message: string }): Error {
  return Object.assign(new Error(e.message), { name: e.name, code: e.code });
}

export class InstancePool implements InferenceBackend {
  readonly models: ModelVersionInfo[];
  private readonly instances: Instance[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private readonly readyPromise: Promise<void>;

  constructor(models: (ModelVersionInfo & InstanceModel)[], private readonly options: PoolOptions) {
    this.models = models.map(({ name, version, inputs, outputs }) => ({ name, version, inputs, outputs }));
    const load = models.map(({ name, version, wasm, relaxedWasm, weights }) => ({ name, version, wasm, relaxedWasm, weights }));
    const started: Promise<void>[] = [];
    for (let i = 0; i < options.instances; i++) started.push(this.spawn(load));
    this.readyPromise = Promise.all(started).then(() => {});
  }

  private spawn(models: InstanceModel[]): Promise<void> {
    const inst: Instance = { worker: new Worker(new URL('./instance-worker.js', import.meta.url), { workerData: { models } }), ready: false };
    this.instances.push(inst);
    return new Promise((resolve, reject) => {
      inst.worker.on('message', (msg: InstanceReply) => {
        if ('type' in msg) {
          if (msg.type === 'ready') { inst.ready = true; resolve(); this.dispatch(); } else reject(new Error(`a model instance failed to load: ${msg.message}`));
          return;
        }
        const job = inst.job!;
        inst.job = undefined;
        if ('error' in msg) job.reject(rebuild(msg.error)); else job.resolve(msg.outputs);
        this.dispatch();
      });
      // A crashed instance fails its request (500) and is replaced.
      inst.worker.on('error', (e) => {
        inst.job?.reject(new Error(`the model instance crashed: ${e.message}`));
        inst.job = undefined;
        this.instances.splice(this.instances.indexOf(inst), 1);
        if (!inst.ready) reject(e);
        else if (!this.closed) this.spawn(models).catch(() => {});
      });
    });
  }

  /** Resolves when every instance has loaded every model. */
  ready(): Promise<void> { return this.readyPromise; }

  isReady(name: string, version: number): boolean {
    return this.instances.some((i) => i.ready) && this.models.some((m) => m.name === name && m.version === version);
  }

  queueDepth(): number { return this.queue.length; }

  infer(name: string, version: number, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
    if (this.closed) return Promise.reject(new UnavailableError('the server is shutting down'));
    const idle = this.instances.some((i) => i.ready && !i.job);
    if (!idle && this.queue.length >= this.options.maxQueue) {
      return Promise.reject(new UnavailableError(`all ${this.options.instances} model instances are busy and ${this.queue.length} requests are queued (--max-queue ${this.options.maxQueue}): retry later`));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, name, version, feeds, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (const inst of this.instances) {
      if (!inst.ready || inst.job) continue;
      const job = this.queue.shift();
      if (!job) return;
      inst.job = job;
      inst.worker.postMessage({ id: job.id, name: job.name, version: job.version, feeds: job.feeds });
    }
  }

  /** Stops the threads; call after the in-flight requests finished. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.instances.map((i) => i.worker.terminate()));
  }
}
