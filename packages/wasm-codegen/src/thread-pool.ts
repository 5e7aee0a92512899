// The threaded build's scheduling code, in wasm (docs/threads.md). Every thread instantiates the
// same module on the same shared memory. The calling thread runs run() as in a 1-thread build,
// except that a node cut into parts (thread-split.ts) becomes one job: par(first, count)
// publishes it, wakes the workers, runs parts itself, and spins until all are done (a browser's
// main thread may not block). Workers sit in worker(): they spin briefly on the job generation,
// then sleep in memory.atomic.wait32 until par() bumps it, and run parts as long as any is left.
// Where the calling thread may block (Node's main thread; the runtime calls allow_wait() there),
// par() also sleeps on the done count after a short spin instead of spinning on: on a machine
// with more busy threads than cores, a spinning caller takes the core its worker needs.
//
// Parts are handed out by one 64-bit ticket, (generation << 32) | parts left, which par() sets and
// threads decrement by compare-and-swap, only while it still holds their job's generation: the
// value swapped names the part (left − 1), so a worker that wakes late neither runs nor uses up a
// part of another job,
// and a job is balanced however many threads take part: a slow or missing worker only means the
// calling thread runs more parts. One thread, or no worker started yet, is still correct.
import { Node, isStatic } from '@onnx2wasm/ir';
import { getLowering } from './lowering.js';
import { NodePart, OperandType, splitNode } from './thread-split.js';
import { VariantPlan, align16 } from './variant-plan.js';
import { Expr, FnBuilder, WasmModuleBuilder } from './wasm-builder.js';

/** The control block, in the reserved bytes below the first tensor (generate-module.ts RESERVED). */
export const CONTROL = { gen: 16, job: 20, ticket: 24, done: 32, quit: 36, failed: 40 } as const;
/**
 * Checks of the generation a worker makes before it sleeps (a few hundred µs): long enough to
 * bridge the serial nodes between two split nodes of a run, so workers stay awake during a run
 * and sleep between runs. Measured: with 20000 checks (~50 µs) the worker slept between nodes and,
 * with busy cores, woke after the caller had run every part (transformer_enc 2 threads = 1 thread);
 * with 2^18, 17.6 ms against 28.3 ms.
 */
const SPIN = 1 << 18;
const TABLE = 'parts';
/** The global saying this instance's thread may block in par() (set by allow_wait()). */
const BLOCKS = 'may_block';

/** The parts of one variant's split nodes, and what they need besides the 1-thread plan. */
export interface ThreadPlan {
  parts: Map<Node, NodePart[]>;
  /** Largest scratch of one part: each part has its own scratch region of the stride. */
  scratchBytes: number;
  /** Derived regions (load-time data) of the parts' nodes that own one. */
  derivedBytes: Map<Node, number>;
  /**
   * The part whose derived region a part uses. Derived data is computed from the weights, which
   * every part reads whole, so parts of a node with derived regions of one size share the first
   * one's region and its load-time init (resnet18's transformed Winograd filters are not copied per part).
   */
  derivedOwner: Map<Node, Node>;
}

/** Cuts every node of `vp` worth it into up to `maxParts` parts. */
export function planThreads(vp: VariantPlan, maxParts: number): ThreadPlan {
  const parts = new Map<Node, NodePart[]>();
  const derivedBytes = new Map<Node, number>();
  const derivedOwner = new Map<Node, Node>();
  let scratchBytes = 0;
  for (const n of vp.g.nodes) {
    if (vp.dynamicNodes.has(n) || vp.loadTime.nodes.has(n) || vp.views.has(n.outputs[0] ?? '')) continue;
    if (![...n.inputs, ...n.outputs].every((v) => !v || isStatic(vp.g.types.get(v)!.shape))) continue;
    const type = (v: string): OperandType => vp.operandType(v);
    const ins = n.inputs.map((v) => (v ? type(v) : undefined)), outs = n.outputs.map(type);
    const split = splitNode(n, ins, outs, maxParts);
    if (!split) continue;
    parts.set(n, split);
    const l = getLowering(n.op)!;
    const owners = new Map<number, Node>();
    for (const p of split) {
      const pi = ins.map((o, i) => (o && p.inputs[i] ? { ...o, dims: p.inputs[i]!.dims } : o));
      const po = outs.map((o, i) => (p.outputs[i] ? { ...o, dims: p.outputs[i]!.dims } : o));
      scratchBytes = Math.max(scratchBytes, l.scratchBytes?.(p.node, pi, po) ?? 0);
      const derived = l.derivedBytes?.(p.node, pi, po) ?? 0;
      if (derived > 0) {
        const owner = owners.get(derived);
        if (owner) derivedOwner.set(p.node, owner);
        else { owners.set(derived, p.node); derivedBytes.set(p.node, align16(derived)); }
      }
    }
  }
  return { parts, scratchBytes, derivedBytes, derivedOwner };
}

/** Collects the part functions of all jobs into one table and emits par() and worker(). */
export class ThreadPool {
  private readonly table: string[] = [];
  constructor(private readonly mod: WasmModuleBuilder) {}

  /** The statement of run() that runs these part functions (one job) on all threads. */
  job(run: FnBuilder, partFns: string[]): Expr {
    const first = this.table.length;
    this.table.push(...partFns);
    return run.call('par', [run.i(first), run.i(partFns.length)]);
  }

  /** The statement that wakes the workers without work for them: they then spin, ready for the next job. */
  wake(run: FnBuilder): Expr { return run.call('par', [run.i(0), run.i(0)]); }

  /** Emits the table, par(first, count), grab(gen) and the exported worker(). */
  finish(): void {
    const { mod } = this;
    mod.addTable(TABLE, this.table);
    this.grab();
    mod.addGlobal(BLOCKS, 0);
    const allow = mod.fn('allow_wait');
    allow.finish([allow.globalSet(BLOCKS, 1)]);
    mod.exportFunction('allow_wait');
    const par = mod.fn('par', ['i32', 'i32']);
    const first = par.param(0), count = par.param(1), g = par.local('i32'), d = par.local('i32'), spins = par.local('i32');
    par.finish([
      g.set(par.add(par.atomicLoad(CONTROL.gen), 1)),
      par.atomicStore(CONTROL.job, first.get()),
      par.atomicStore(CONTROL.done, 0),
      par.atomicStore64(CONTROL.ticket, ticket(par, g.get(), count.get())),
      par.atomicStore(CONTROL.gen, g.get()),
      par.notifyAll(CONTROL.gen),
      par.call('grab', [g.get()]),
      // Spin, then (where allowed) sleep until a worker's notify: a browser's main thread may not block.
      par.doWhile([
        d.set(par.atomicLoad(CONTROL.done)),
        par.if(par.ltS(d.get(), count.get()), [
          spins.set(par.i(0)),
          par.doWhile([spins.set(par.add(spins.get(), 1))], () => par.and(par.eq(par.atomicLoad(CONTROL.done), d.get()), par.ltS(spins.get(), SPIN))),
          par.if(par.and(par.ne(par.globalGet(BLOCKS), 0), par.eq(par.atomicLoad(CONTROL.done), d.get())), [par.wait32(CONTROL.done, d.get())]),
        ]),
      ], () => par.ltS(par.atomicLoad(CONTROL.done), count.get())),
      // A worker that trapped marks the run failed (and completes the count so this returns):
      // trap here too, so run() fails with a typed error instead of hanging or returning garbage.
      par.if(par.ne(par.atomicLoad(CONTROL.failed), 0), [par.unreachable()]),
    ]);
    const w = mod.fn('worker');
    const seen = w.local('i32'), now = w.local('i32'), spin = w.local('i32');
    const quit = () => w.ne(w.atomicLoad(CONTROL.quit), 0);
    w.finish([
      seen.set(w.i(0)),
      w.doWhile([
        now.set(w.atomicLoad(CONTROL.gen)),
        w.if(w.eq(now.get(), seen.get()), [
          spin.set(w.i(0)),
          w.doWhile([spin.set(w.add(spin.get(), 1))], () => w.and(w.eq(w.atomicLoad(CONTROL.gen), seen.get()), w.ltS(spin.get(), SPIN))),
          w.if(w.and(w.eq(w.atomicLoad(CONTROL.gen), seen.get()), w.eqz(quit())), [w.wait32(CONTROL.gen, seen.get())]),
        ], [
          seen.set(now.get()),
          w.call('grab', [now.get()]),
        ]),
      ], () => w.eqz(quit())),
    ]);
    mod.exportFunction('worker');
  }

  /** grab(gen): runs parts of job `gen` until none is left (or the job is another's). */
  private grab(): void {
    const f = this.mod.fn('grab', ['i32']);
    const g = f.param(0), t = f.local('i64'), left = f.local('i32');
    const high = f.i64ToI32(f.num('i64', 'shr_u', t.get(), f.constOf('i64', 32)));
    const taken = f.num('i64', 'eq', f.atomicCmpxchg64(CONTROL.ticket, t.get(), f.num('i64', 'sub', t.get(), f.constOf('i64', 1))), t.get());
    f.finish([
      f.doWhile([
        t.set(f.atomicLoad64(CONTROL.ticket)),
        left.set(f.i64ToI32(t.get())),
        f.if(f.or(f.ne(high, g.get()), f.leS(left.get(), 0)), [f.return()]),
        // When another thread took a part first the swap fails and the ticket is read again.
        f.if(taken, [
          f.callIndirect(TABLE, f.add(f.atomicLoad(CONTROL.job), f.sub(left.get(), 1))),
          f.drop(f.atomicAdd(CONTROL.done, 1)),
          f.notifyAll(CONTROL.done),
        ]),
      ], () => f.i(1)),
    ]);
  }
}

/** (gen << 32) | count as an i64. */
function ticket(fn: FnBuilder, gen: Expr, count: Expr): Expr {
  const wide = (x: Expr) => fn.num('i64', 'extend_u', x);
  return fn.num('i64', 'or', fn.num('i64', 'shl', wide(gen), fn.constOf('i64', 32)), wide(count));
}

