// Worker threads for threaded builds (docs/threads.md). The module's heavy nodes are cut into
// parts that any thread may run (the scheduling is in the module itself); here we only decide
// whether threads can run, make the shared memory, and start N-1 workers that instantiate the same
// module on it and park in its worker() entry. Node: worker_threads, imported lazily so that edge
// bundles never load it; browsers: Web Workers from an inline script, only where the page is
// cross-origin isolated (SharedArrayBuffer exists). Everywhere else the 1-thread build runs and
// `model.info` says why.

export interface ThreadsInfo {
  /** Threads that run the model (the calling one included). */
  threads: number;
  /** Why fewer threads run than were asked for. */
  reason?: string;
}

/** The metadata of a threaded build (ModelMeta.threads). */
export interface ThreadsMeta { parts: number; maxPages: number; gen: number; quit: number; done: number; failed: number }

interface WorkerLike { terminate(): unknown; unref?(): void }

const isNode = (): boolean => !!(globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;

/** Why shared memory and threads cannot run here, or undefined when they can. */
export function threadsUnavailable(): string | undefined {
  const g = globalThis as { SharedArrayBuffer?: unknown; crossOriginIsolated?: boolean; Worker?: unknown };
  const node = isNode();
  if (typeof g.SharedArrayBuffer !== 'function') return 'SharedArrayBuffer is not available here (a page without cross-origin isolation, or a platform such as Cloudflare Workers)';
  if (g.crossOriginIsolated === false) return 'the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  if (!node && typeof g.Worker !== 'function') return 'this platform has no Web Workers';
  return undefined;
}

// The worker's whole program: instantiate the module on the shared memory with the same host
// functions (math.*: Math, plus fmod), report ready, and run worker() until dispose() ends it.
// If a part traps, the run it belongs to is marked failed and its parts counted as done, so the
// calling thread stops waiting and its run() fails with a typed error.
const WORKER_BODY = `
const start = ({ module, memory, control }, post) => {
  const math = { fmod: (a, b) => a % b };
  for (const k of Object.getOwnPropertyNames(Math)) if (typeof Math[k] === 'function') math[k] = Math[k];
  const imports = {};
  for (const i of WebAssembly.Module.imports(module)) (imports[i.module] ??= {})[i.name] = i.kind === 'memory' ? memory : math[i.name];
  const instance = new WebAssembly.Instance(module, imports);
  post('ready');
  try {
    instance.exports.worker();
  } catch (e) {
    const words = new Int32Array(memory.buffer);
    Atomics.store(words, control.failed / 4, 1);
    Atomics.store(words, control.done / 4, 0x3fffffff);
    Atomics.notify(words, control.done / 4);
  }
};`;
const NODE_WORKER = `${WORKER_BODY}
import('node:worker_threads').then(({ parentPort, workerData }) => start(workerData, (m) => parentPort.postMessage(m)));`;
const WEB_WORKER = `${WORKER_BODY}
onmessage = (e) => start(e.data, (m) => postMessage(m));`;

/** Running workers of one model; stop() ends them (idempotent). */
export interface Workers { count: number; stop(): void }

/**
 * Starts `count` workers on `module` and `memory` and waits until each has instantiated the
 * module (so the first run is already threaded). Resolves with the workers started; a worker
 * that fails to start is left out (the model still runs: the calling thread takes its parts).
 */
export async function startWorkers(module: WebAssembly.Module, memory: WebAssembly.Memory, meta: ThreadsMeta, count: number): Promise<Workers> {
  const node = isNode();
  const started: WorkerLike[] = [];
  const ready: Promise<boolean>[] = [];
  if (node) {
    // A variable specifier, so bundlers for the web and edge do not try to resolve it.
    const specifier = 'node:worker_threads';
    const { Worker } = (await import(/* @vite-ignore */ specifier)) as { Worker: new (src: string, o: object) => WorkerLike & { once(e: string, f: (x: unknown) => void): void } };
    for (let i = 0; i < count; i++) {
      const w = new Worker(NODE_WORKER, { eval: true, workerData: { module, memory, control: meta } });
      // Workers must not keep the process alive: a program that forgets dispose() still exits.
      w.unref?.();
      started.push(w);
      ready.push(new Promise((resolve) => { w.once('message', () => resolve(true)); w.once('error', () => resolve(false)); }));
    }
  } else {
    const url = URL.createObjectURL(new Blob([WEB_WORKER], { type: 'text/javascript' }));
    for (let i = 0; i < count; i++) {
      const w = new Worker(url);
      started.push(w);
      ready.push(new Promise((resolve) => {
        w.onmessage = () => resolve(true);
        w.onerror = () => resolve(false);
      }));
      w.postMessage({ module, memory, control: meta });
    }
    // Each worker has fetched the script once it reports (or fails); the URL is not needed after.
    void Promise.all(ready).then(() => URL.revokeObjectURL(url));
  }
  const ok = await Promise.all(ready);
  let stopped = false;
  return {
    count: ok.filter(Boolean).length,
    stop() {
      if (stopped) return;
      stopped = true;
      const words = new Int32Array(memory.buffer);
      Atomics.store(words, meta.quit / 4, 1);
      Atomics.add(words, meta.gen / 4, 1);
      Atomics.notify(words, meta.gen / 4);
      for (const w of started) w.terminate();
    },
  };
}

/** Bytes [offset, offset + length) of memory as a plain ArrayBuffer (outputs must not be views of shared memory). */
export function plainCopy(buffer: ArrayBuffer | SharedArrayBuffer, offset: number, length: number): ArrayBuffer {
  if (buffer instanceof ArrayBuffer) return buffer.slice(offset, offset + length);
  const out = new Uint8Array(length);
  out.set(new Uint8Array(buffer, offset, length));
  return out.buffer;
}

/** Whether this thread may block in Atomics.wait: Node's main thread and workers may; a browser page's main thread may not. */
export function callerMayBlock(): boolean {
  return isNode() || typeof (globalThis as { document?: unknown }).document === 'undefined';
}
