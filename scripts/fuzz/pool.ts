// A pool of child processes that run fuzz cases with a time limit each. A case past its limit is a
// hang: the child is killed (SIGKILL) and replaced. A child that dies mid-case is a crash, or an
// out-of-memory when V8 says so on stderr. Children run the TypeScript sources via ts-loader.mjs.
import { ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CaseJob, CaseResult } from './run-case.js';

export interface PoolOptions {
  size: number;
  timeoutMs: number;
  /** V8 heap limit of each child, so an unbounded allocation fails fast instead of swapping. */
  maxHeapMb?: number;
  /** The child's script (default worker.ts); tests give one that hangs or crashes on purpose. */
  workerScript?: string;
}

interface Pending { id: number; resolve(r: CaseResult): void; timer: NodeJS.Timeout }

const LOADER = fileURLToPath(new URL('./ts-loader.mjs', import.meta.url));
const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const OOM = /heap out of memory|Allocation failed|out of memory|RangeError: WebAssembly\.Memory/i;

class Slot {
  private child!: ChildProcess;
  private ready!: Promise<void>;
  private pending?: Pending;
  private stderr = '';
  private nextId = 0;

  constructor(private readonly opts: PoolOptions) { this.spawn(); }

  private spawn(): void {
    const child = fork(this.opts.workerScript ?? WORKER, [], {
      execArgv: ['--import', LOADER, '--enable-source-maps', `--max-old-space-size=${this.opts.maxHeapMb ?? 2048}`],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    this.child = child;
    this.stderr = '';
    child.stderr!.on('data', (d: Buffer) => { this.stderr = (this.stderr + d.toString()).slice(-8000); });
    this.ready = new Promise((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`fuzz worker failed to start (exit ${code}): ${this.stderr}`)));
    });
    this.ready.catch(() => {}); // reported by run()
    child.on('message', (m: { id?: number; result?: CaseResult }) => {
      if (m.result && this.pending && m.id === this.pending.id) this.settle(m.result);
    });
    child.on('close', (code, signal) => {
      if (child !== this.child || !this.pending) return;
      const kind = OOM.test(this.stderr) ? 'out-of-memory' : 'crash';
      this.settle({ outcome: `finding:${kind}`, finding: { kind, message: `worker died (exit ${code}, signal ${signal})`, stack: this.stderr } });
      this.spawn();
    });
  }

  private settle(r: CaseResult): void {
    const p = this.pending!;
    clearTimeout(p.timer);
    this.pending = undefined;
    p.resolve(r);
  }

  async run(job: CaseJob, timeoutMs = this.opts.timeoutMs): Promise<CaseResult> {
    await this.ready;
    this.stderr = '';
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const hung = this.child;
        this.settle({ outcome: 'finding:timeout', finding: { kind: 'timeout', message: `no result after ${timeoutMs} ms` } });
        hung.kill('SIGKILL');
        this.spawn();
      }, timeoutMs);
      this.pending = { id, resolve, timer };
      this.child.send({ id, job });
    });
  }

  close(): void {
    const c = this.child;
    this.child = undefined as unknown as ChildProcess;
    c.kill('SIGKILL');
  }
}

export class WorkerPool {
  private readonly slots: Slot[];
  private readonly idle: Slot[];
  private readonly waiting: ((s: Slot) => void)[] = [];

  constructor(opts: PoolOptions) {
    this.slots = Array.from({ length: opts.size }, () => new Slot(opts));
    this.idle = [...this.slots];
  }

  /**
   * Borrows the next free child for `task`, which gets the child's index (for its own case folder)
   * and a function to run a job on it; the child is returned when the task ends.
   */
  async use<T>(task: (slot: number, exec: (job: CaseJob, timeoutMs?: number) => Promise<CaseResult>) => Promise<T>): Promise<T> {
    const slot = this.idle.pop() ?? (await new Promise<Slot>((r) => this.waiting.push(r)));
    try {
      return await task(this.slots.indexOf(slot), (job, timeoutMs) => slot.run(job, timeoutMs));
    } finally {
      const next = this.waiting.shift();
      if (next) next(slot); else this.idle.push(slot);
    }
  }

  close(): void {
    for (const s of this.slots) s.close();
  }
}
