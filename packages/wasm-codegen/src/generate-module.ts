import { createHash } from 'node:crypto';
import { Graph, Tensor, evalDim } from '@onnx2wasm/ir';
import { CodegenError } from './errors.js';
import { MemoryPlan, planMemory } from './memory-plan.js';
import { DynamicTable, polyJson, valueBytes } from './dynamic-dims.js';
import { VariantPlan, align16, planVariant } from './variant-plan.js';
import { NodeFunction, emitVariant } from './emit-variant.js';
import { DynamicMeta, META_SECTION, ModelMeta, ValueCondition } from './model-meta.js';
import { FnBuilder, WasmModuleBuilder } from './wasm-builder.js';
import { TiedB, emitPackTransposed, findTiedBs } from './tied-weights.js';
import './kernels/index.js';

export interface CodegenOptions {
  /** Emit relaxed-SIMD FMA (needs a relaxed-SIMD capable engine). */
  relaxed?: boolean;
  /** Put the weights into the module as a data segment instead of a separate file. */
  embedWeights?: boolean;
  /** Run Binaryen's optimizer (default true). */
  optimize?: boolean;
  /** Fail when the module's memory would exceed this many bytes (default: wasm32's 4 GiB). */
  maxMemoryBytes?: number;
  /**
   * Upper bounds of symbolic dims (e.g. { batch: 8, seq: 512 }): a run with larger dims fails
   * with a typed error, and the memory they need is checked against maxMemoryBytes at compile time.
   */
  maxDims?: Record<string, number>;
  /**
   * Copies of the graph with some symbols fixed (--specialize), run when a run's dims match `when`,
   * or built for some input values (value variants), run when the fed values are in `whenValues`.
   */
  variants?: { graph: Graph; when: Record<string, number>; whenValues?: ValueCondition }[];
  /** Value variants: the input values the main graph is built for. */
  whenValues?: ValueCondition;
  /** Export each node's function and list them in CodegenResult.nodes (profiling: scripts/profile.mjs). */
  profile?: boolean;
}

export interface CodegenResult {
  wasm: Uint8Array;
  /** The weights region's bytes; empty when embedded. */
  weights: Uint8Array;
  meta: ModelMeta;
  plan: MemoryPlan;
  /**
   * Linear memory the module needs at its largest: the initial memory, or with symbolic dims
   * bounded by `maxDims` the memory at the bounds; undefined when the dims are unbounded.
   */
  maxMemoryBytes?: number;
  /** Text form before Binaryen's optimizer, when asked for (debugging, golden tests). */
  text?: string;
  /** With `profile`: the main graph's node functions (exported), in run order. */
  nodes?: NodeFunction[];
}

const RESERVED = 64; // address 0 stays unused so a stray null pointer never aliases a tensor
const PAGE = 65536;
const WASM32_MAX = 65536 * PAGE;

function tensorBytes(t: Tensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

/**
 * Builds the wasm module for a graph. Symbolic input dims are read at run time (the runtime binds
 * them from the feeds); `variants` add copies of the graph specialized for some symbol values,
 * which the runtime runs instead when a run's dims match.
 */
export function generateModule(g: Graph, opts: CodegenOptions = {}): CodegenResult {
  const plans = [planVariant(g), ...(opts.variants ?? []).map((v) => planVariant(v.graph))];
  // Layout: [reserved][dims tables][static arena][scratch][weights][run-time buffers → grows].
  // Variants never run at the same time, so they share the arena and scratch regions.
  let tableEnd = RESERVED;
  const tables: DynamicTable[] = plans.map((vp) => {
    const t = { symbols: vp.symbols, address: tableEnd, bufferIndex: new Map(vp.dynBuffers.map((b, k) => [b.name, k])) };
    tableEnd += vp.symbols.length ? 4 * (vp.symbols.length + vp.dynBuffers.length) : 0;
    return t;
  });
  const arenaBase = align16(tableEnd);
  const arenaBytes = Math.max(...plans.map((vp) => vp.plan.arenaBytes));
  const scratchBytes = Math.max(...plans.map((vp) => vp.scratchBytes));
  const scratchBase = align16(arenaBase + arenaBytes);
  // Derived regions (data computed from the weights at load time), one per node that asks.
  let derivedEnd = align16(scratchBase + scratchBytes);
  const derived = plans.map((vp) => new Map([...vp.derivedBytes].map(([n, bytes]) => { const a = derivedEnd; derivedEnd += bytes; return [n, a]; })));
  // Values computed at load time (load-time.ts) live next to them, one buffer each.
  const held = plans.map((vp) => new Map([...vp.heldBytes].map(([v, bytes]) => { const a = derivedEnd; derivedEnd += bytes; return [v, a]; })));
  // Packed panels of tied embeddings, built at load from the table the weights file already holds.
  const tiedBs = new Map<string, TiedB>();
  for (const vp of plans) for (const [b, t] of findTiedBs(vp.g, vp.rootOf)) if (!tiedBs.has(b)) tiedBs.set(b, t);
  const tiedPanels = new Map([...tiedBs].map(([b, t]) => { const a = derivedEnd; derivedEnd += align16(4 * t.K * t.N); return [b, a]; }));
  const weightsBase = align16(derivedEnd);
  const derivedNote = derivedEnd > scratchBase + scratchBytes + 15 ? `, weights transformed at load ${derivedEnd - align16(scratchBase + scratchBytes)}` : '';
  // Checked before any kernel runs: lowering may size tables by the activations it was promised.
  const limit = Math.min(opts.maxMemoryBytes ?? WASM32_MAX, WASM32_MAX);
  if (!(weightsBase + 16 <= limit)) {
    throw new CodegenError(`the model needs at least ${weightsBase + 16} bytes of memory (activations ${arenaBytes}, scratch ${scratchBytes}${derivedNote}, before the weights), ${weightsBase + 16 - limit} bytes over the limit of ${limit}`, undefined, 'MEMORY_LIMIT');
  }

  const weightChunks: Uint8Array[] = [];
  let weightsEnd = weightsBase;
  const placed = new Map<string, { addr: number; src: Tensor | Uint8Array; bytes: Uint8Array }>();
  const sameBytes = (a: Uint8Array, b: Uint8Array) => {
    if (a.byteLength !== b.byteLength) return false;
    for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
    return true;
  };
  const byContent = new Map<string, { addr: number; bytes: Uint8Array }[]>();
  const addWeight = (data: Tensor | Uint8Array, key?: string): number => {
    const bytes = data instanceof Uint8Array ? data : tensorBytes(data);
    // Variants share weights by key; a key whose bytes differ (a value folded per variant) gets its own.
    for (let k = key, n = 1; k !== undefined; k = `${key}#${n++}`) {
      const hit = placed.get(k);
      if (!hit) { key = k; break; }
      if (hit.src === data || sameBytes(hit.bytes, bytes)) return hit.addr;
    }
    // Equal bytes under another key (an initializer the exporter stored twice, a tied embedding
    // with the same layout) share one copy: weights are read-only.
    const digest = contentDigest(bytes);
    const same = byContent.get(digest)?.find((w) => sameBytes(w.bytes, bytes));
    if (same) {
      if (key) placed.set(key, { addr: same.addr, src: data, bytes });
      return same.addr;
    }
    const addr = weightsEnd;
    byContent.set(digest, [...(byContent.get(digest) ?? []), { addr, bytes }]);
    const padded = align16(bytes.byteLength);
    const chunk = new Uint8Array(padded);
    chunk.set(bytes);
    weightChunks.push(chunk);
    weightsEnd += padded;
    if (key) placed.set(key, { addr, src: data, bytes });
    return addr;
  };

  const mod = new WasmModuleBuilder({ relaxed: !!opts.relaxed });
  const helpers = new Set<string>();
  const helper = (name: string, build: (fn: FnBuilder) => void, params: ('i32' | 'f32' | 'v128')[] = []) => {
    if (!helpers.has(name)) {
      helpers.add(name);
      build(mod.fn(name, params));
    }
    return name;
  };
  const inits: string[] = [];
  // First in init(): a load-time node may read the panels.
  [...tiedBs].forEach(([b, t], k) => {
    const table = plans.map((vp) => vp.g.constants.get(t.source)).find((c) => c)!;
    const init = mod.fn(`tied${k}_init`);
    init.finish(emitPackTransposed(init, addWeight(table, `const:${t.source}`), tiedPanels.get(b)!, t.K, t.N));
    inits.push(`tied${k}_init`);
  });
  const emitted = plans.map((vp, i) => emitVariant(vp, { prefix: i ? `v${i}_` : '', table: tables[i]!, arenaBase, scratchBase, derived: derived[i]!, held: held[i]! }, { mod, addWeight, helper, atLoad: (name) => inits.push(name), exportNodes: !!opts.profile, tiedPanels }));
  if (inits.length) {
    // The runtime calls init() once, after the weights are in memory.
    const init = mod.fn('init');
    init.finish(inits.map((name) => init.call(name)));
    mod.exportFunction('init');
  }

  const memoryBytes = weightsEnd + 16; // vector tails may read up to 12 bytes past the last tensor
  if (!(memoryBytes <= limit)) {
    throw new CodegenError(`the model needs ${memoryBytes} bytes of memory (weights ${weightsEnd - weightsBase}, activations ${arenaBytes}, scratch ${scratchBytes}${derivedNote}), ${memoryBytes - limit} bytes over the limit of ${limit}`, undefined, 'MEMORY_LIMIT');
  }
  // Run-time buffers start after the weights; the runtime grows memory for the dims it sees.
  const dynamicBase = align16(memoryBytes);
  const maxDims = opts.maxDims;
  let peakBytes: number | undefined = Math.max(1, Math.ceil(memoryBytes / PAGE)) * PAGE;
  const dynamicMeta = (vp: VariantPlan, table: DynamicTable): DynamicMeta | undefined => {
    if (!vp.symbols.length) return undefined;
    const inputSymbols = vp.symbols.filter((x) => !vp.computed.some((c) => c.symbol === x));
    const bounded = !!maxDims && inputSymbols.every((x) => maxDims[x] !== undefined);
    if (!bounded) peakBytes = undefined;
    if (bounded) {
      // Computed dims (NonZero's count) are at their bounds, which follow from the input bounds.
      const atBounds: Record<string, number> = { ...maxDims };
      for (const c of vp.computed) atBounds[c.symbol] = evalDim(c.bound, atBounds);
      const scratchAtMax = Math.max(0, ...vp.dynBuffers.map((b) => (b.bytes === undefined ? 0 : align16(evalDim(b.bytes, atBounds)))));
      const atMax = planMemory(vp.g, (v) => evalDim(valueBytes(vp.g, v), atBounds), vp.aliases, vp.isDyn).arenaBytes + scratchAtMax;
      if (peakBytes !== undefined) peakBytes = Math.max(peakBytes, Math.ceil((dynamicBase + atMax + 16) / PAGE) * PAGE);
      if (!(dynamicBase + atMax + 16 <= limit)) {
        throw new CodegenError(`at the maximum dims (${inputSymbols.map((x) => `${x}=${maxDims![x]}`).join(', ')}) the model needs ${dynamicBase + atMax + 16} bytes of memory (weights ${weightsEnd - weightsBase}, run-time activations ${atMax}), ${dynamicBase + atMax + 16 - limit} bytes over the limit of ${limit}`, undefined, 'MEMORY_LIMIT');
      }
    }
    return {
      symbols: vp.symbols, table: table.address, base: dynamicBase,
      buffers: vp.dynBuffers.map((b) => ({ name: b.name, bytes: polyJson(b.bytes ?? valueBytes(vp.g, b.name)), first: b.first, last: b.last })),
      ...(maxDims ? { maxDims: Object.fromEntries(inputSymbols.filter((x) => maxDims[x] !== undefined).map((x) => [x, maxDims[x]!])) } : {}),
      ...(vp.computed.length ? { computed: vp.computed.map((c) => ({ symbol: c.symbol, bound: polyJson(c.bound), node: c.node, op: c.op })) } : {}),
    };
  };
  const pages = Math.max(1, Math.ceil(memoryBytes / PAGE));
  const weights = new Uint8Array(weightsEnd - weightsBase);
  let p = 0;
  for (const c of weightChunks) { weights.set(c, p); p += c.byteLength; }
  mod.setMemory(pages, opts.embedWeights && weights.byteLength ? [{ offset: weightsBase, data: weights }] : []);

  const meta: ModelMeta = {
    format: 1,
    inputs: emitted[0]!.inputs, outputs: emitted[0]!.outputs,
    // The weights' hash travels inside the module, so a loader can tell they belong to it.
    weights: { offset: weightsBase, byteLength: weights.byteLength, embedded: !!opts.embedWeights, ...(opts.embedWeights ? {} : { sha256: createHash('sha256').update(weights).digest('hex') }) },
    memory: { pages, arenaBytes, scratchBytes },
  };
  const dynamic = dynamicMeta(plans[0]!, tables[0]!);
  if (dynamic) meta.dynamic = dynamic;
  if (opts.whenValues) meta.whenValues = opts.whenValues;
  if (plans.length > 1) {
    meta.variants = plans.slice(1).map((vp, i) => {
      const d = dynamicMeta(vp, tables[i + 1]!);
      const { when, whenValues } = opts.variants![i]!;
      return { when, ...(whenValues ? { whenValues } : {}), run: emitted[i + 1]!.run, inputs: emitted[i + 1]!.inputs, outputs: emitted[i + 1]!.outputs, ...(d ? { dynamic: d } : {}) };
    });
  }
  mod.addCustomSection(META_SECTION, new TextEncoder().encode(JSON.stringify(meta)));

  if (!mod.validate()) {
    mod.dispose();
    throw new CodegenError('internal error: the generated module does not validate');
  }
  if (opts.optimize !== false) mod.optimize();
  const wasm = mod.emitBinary();
  mod.dispose();
  return { wasm, weights: opts.embedWeights ? new Uint8Array(0) : weights, meta, plan: plans[0]!.plan, maxMemoryBytes: peakBytes, ...(opts.profile ? { nodes: emitted[0]!.nodes } : {}) };
}

export type { FnBuilder };

/** Length and FNV-1a hash of the bytes: the bucket of weights that may be equal. */
function contentDigest(b: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.byteLength; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return `${b.byteLength}:${h >>> 0}`;
}
