// The module's memory layout: [reserved][dims tables][static arena][scratch][derived, held]
// [weights][run-time buffers → grows]. Variants never run at the same time, so they share the
// arena and scratch regions.
import { Node } from '@onnx2wasm/ir';
import { CodegenError } from './errors.js';
import { DynamicTable } from './dynamic-dims.js';
import { VariantPlan, align16 } from './variant-plan.js';
import { TiedB, findTiedBs } from './tied-weights.js';
import { ThreadPlan, planThreads } from './thread-pool.js';

const RESERVED = 64; // address 0 stays unused so a stray null pointer never aliases a tensor

export interface MemoryLayout {
  tables: DynamicTable[];
  arenaBase: number;
  arenaBytes: number;
  scratchBase: number;
  scratchBytes: number;
  /** Threaded builds: each variant's split nodes, and the scratch bytes of each part's own region. */
  threadPlans: (ThreadPlan | undefined)[];
  scratchStride: number;
  /** Per variant: derived regions (data computed from the weights at load time), by node. */
  derived: Map<Node, number>[];
  /** Per variant: values computed at load time (load-time.ts), one buffer each. */
  held: Map<string, number>[];
  /** Tied embeddings (tied-weights.ts): the MatMul weights packed at load from a table the weights hold, and where. */
  tiedBs: Map<string, TiedB>;
  tiedPanels: Map<string, number>;
  weightsBase: number;
  /** For MEMORY_LIMIT messages: the bytes of weights transformed at load, if any. */
  derivedNote: string;
}

/** The regions before the weights; MEMORY_LIMIT when they alone pass `limit`. */
export function layoutMemory(plans: VariantPlan[], limit: number, threads?: number): MemoryLayout {
  let tableEnd = RESERVED;
  const tables: DynamicTable[] = plans.map((vp) => {
    const t = { symbols: vp.symbols, address: tableEnd, bufferIndex: new Map(vp.dynBuffers.map((b, k) => [b.name, k])) };
    tableEnd += vp.symbols.length ? 4 * (vp.symbols.length + vp.dynBuffers.length) : 0;
    return t;
  });
  const arenaBase = align16(tableEnd);
  const arenaBytes = Math.max(...plans.map((vp) => vp.plan.arenaBytes));
  // Threaded builds: each part of a split node gets its own scratch region of `scratchStride` bytes.
  const threadPlans: (ThreadPlan | undefined)[] = plans.map((vp) => (threads ? planThreads(vp, threads) : undefined));
  const scratchStride = align16(Math.max(...plans.map((vp) => vp.scratchBytes), ...threadPlans.map((t) => t?.scratchBytes ?? 0)));
  const scratchBytes = threads ? scratchStride * threads : Math.max(...plans.map((vp) => vp.scratchBytes));
  const scratchBase = align16(arenaBase + arenaBytes);
  // Derived regions, one per node that asks (in threaded builds one per part of a split node instead).
  let derivedEnd = align16(scratchBase + scratchBytes);
  const derivedOf = (vp: VariantPlan, tp?: ThreadPlan) => (tp ? [...[...vp.derivedBytes].filter(([n]) => !tp.parts.has(n)), ...tp.derivedBytes] : [...vp.derivedBytes]);
  const derived = plans.map((vp, i) => new Map(derivedOf(vp, threadPlans[i]).map(([n, bytes]) => { const a = derivedEnd; derivedEnd += bytes; return [n, a]; })));
  const held = plans.map((vp) => new Map([...vp.heldBytes].map(([v, bytes]) => { const a = derivedEnd; derivedEnd += bytes; return [v, a]; })));
  // Packed panels of tied embeddings, built at load from the table the weights file already holds.
  const tiedBs = new Map<string, TiedB>();
  for (const vp of plans) for (const [b, t] of findTiedBs(vp.g, vp.rootOf)) if (!tiedBs.has(b)) tiedBs.set(b, t);
  const tiedPanels = new Map([...tiedBs].map(([b, t]) => { const a = derivedEnd; derivedEnd += align16(4 * t.K * t.N); return [b, a]; }));
  const weightsBase = align16(derivedEnd);
  const derivedNote = derivedEnd > scratchBase + scratchBytes + 15 ? `, weights transformed at load ${derivedEnd - align16(scratchBase + scratchBytes)}` : '';
  // Checked before any kernel runs: lowering may size tables by the activations it was promised.
  if (!(weightsBase + 16 <= limit)) {
    throw new CodegenError(`the model needs at least ${weightsBase + 16} bytes of memory (activations ${arenaBytes}, scratch ${scratchBytes}${derivedNote}, before the weights), ${weightsBase + 16 - limit} bytes over the limit of ${limit}`, undefined, 'MEMORY_LIMIT');
  }
  return { tables, arenaBase, arenaBytes, scratchBase, scratchBytes, threadPlans, scratchStride, derived, held, tiedBs, tiedPanels, weightsBase, derivedNote };
}
