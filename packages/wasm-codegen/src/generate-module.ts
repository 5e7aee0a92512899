import { createHash } from 'node:crypto';
import { Graph } from '@onnx2wasm/ir';
import { CodegenError } from './errors.js';
import { MemoryPlan } from './memory-plan.js';
import { VariantPlan, align16, planVariant } from './variant-plan.js';
import { NodeFunction, emitVariant } from './emit-variant.js';
import { MemoryLayout, layoutMemory } from './memory-layout.js';
import { WeightsRegion } from './weights-region.js';
import { dynamicMetaOf } from './dynamic-meta.js';
import { DynamicMeta, META_SECTION, ModelMeta, ValueCondition } from './model-meta.js';
import { FnBuilder, WasmModuleBuilder } from './wasm-builder.js';
import { emitPackTransposed } from './tied-weights.js';
import { CONTROL, ThreadPool } from './thread-pool.js';
import './kernels/index.js';

type EmittedVariant = ReturnType<typeof emitVariant>;

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
  /**
   * A threaded build for up to this many threads (>= 2; docs/threads.md): shared imported memory,
   * heavy nodes cut into that many parts, an exported worker() entry. Absent: the 1-thread module.
   */
  threads?: number;
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

const PAGE = 65536;
const WASM32_MAX = 65536 * PAGE;

/**
 * Builds the wasm module for a graph. Symbolic input dims are read at run time (the runtime binds
 * them from the feeds); `variants` add copies of the graph specialized for some symbol values,
 * which the runtime runs instead when a run's dims match.
 */
export function generateModule(g: Graph, opts: CodegenOptions = {}): CodegenResult {
  const plans = [planVariant(g), ...(opts.variants ?? []).map((v) => planVariant(v.graph))];
  const limit = Math.min(opts.maxMemoryBytes ?? WASM32_MAX, WASM32_MAX);
  const threads = opts.threads;
  if (threads !== undefined && !(Number.isSafeInteger(threads) && threads >= 2)) throw new CodegenError(`threads must be an integer >= 2, got ${threads}`, undefined, 'INVALID_OPTION');
  const layout = layoutMemory(plans, limit, threads);
  const weights = new WeightsRegion(layout.weightsBase);
  const mod = new WasmModuleBuilder({ relaxed: !!opts.relaxed, ...(threads ? { threads: true } : {}) });
  const pool = threads ? new ThreadPool(mod) : undefined;
  const emitted = emitVariants(mod, plans, layout, weights, !!opts.profile, pool);

  const memoryBytes = weights.end + 16; // vector tails may read up to 12 bytes past the last tensor
  if (!(memoryBytes <= limit)) {
    throw new CodegenError(`the model needs ${memoryBytes} bytes of memory (weights ${weights.end - weights.base}, activations ${layout.arenaBytes}, scratch ${layout.scratchBytes}${layout.derivedNote}), ${memoryBytes - limit} bytes over the limit of ${limit}`, undefined, 'MEMORY_LIMIT');
  }
  const pages = Math.max(1, Math.ceil(memoryBytes / PAGE));
  const weightBytes = weights.bytes();
  // Run-time buffers start after the weights; the runtime grows memory for the dims it sees.
  const bounds = { dynamicBase: align16(memoryBytes), maxDims: opts.maxDims, limit, weightsBytes: weights.end - weights.base };
  const dynamic = plans.map((vp, i) => dynamicMetaOf(vp, layout.tables[i]!, bounds));
  // The memory at the maxDims bounds; unknown when a variant's symbols are not all bounded.
  const maxMemoryBytes = dynamic.every((d) => d.bounded) ? Math.max(pages * PAGE, ...dynamic.map((d) => d.peakBytes ?? 0)) : undefined;
  // Shared memory needs a maximum: what the model can need, else the limit.
  const maxPages = threads ? Math.max(pages, Math.ceil((maxMemoryBytes ?? limit) / PAGE)) : undefined;
  pool?.finish();
  mod.setMemory(pages, opts.embedWeights && weightBytes.byteLength ? [{ offset: weights.base, data: weightBytes }] : [], maxPages);
  const meta = moduleMeta(opts, emitted, dynamic.map((d) => d.meta), weightBytes, { offset: weights.base, pages, arenaBytes: layout.arenaBytes, scratchBytes: layout.scratchBytes });
  if (threads) meta.threads = { parts: threads, maxPages: maxPages!, gen: CONTROL.gen, quit: CONTROL.quit, done: CONTROL.done, failed: CONTROL.failed };
  mod.addCustomSection(META_SECTION, new TextEncoder().encode(JSON.stringify(meta)));

  if (!mod.validate()) {
    mod.dispose();
    throw new CodegenError('internal error: the generated module does not validate');
  }
  if (opts.optimize !== false) mod.optimize();
  const wasm = mod.emitBinary();
  mod.dispose();
  return { wasm, weights: opts.embedWeights ? new Uint8Array(0) : weightBytes, meta, plan: plans[0]!.plan, maxMemoryBytes, ...(opts.profile ? { nodes: emitted[0]!.nodes } : {}) };
}

/** Every variant's functions, the shared helpers, and init() for what is computed at load time. */
function emitVariants(mod: WasmModuleBuilder, plans: VariantPlan[], layout: MemoryLayout, weights: WeightsRegion, exportNodes: boolean, pool?: ThreadPool): EmittedVariant[] {
  const helpers = new Set<string>();
  const helper = (name: string, build: (fn: FnBuilder) => void, params: ('i32' | 'f32' | 'v128')[] = []) => {
    if (!helpers.has(name)) {
      helpers.add(name);
      build(mod.fn(name, params));
    }
    return name;
  };
  const inits: string[] = [];
  const { tables, arenaBase, scratchBase, derived, held, tiedBs, tiedPanels, threadPlans, scratchStride } = layout;
  const addWeight = (data: Parameters<WeightsRegion['add']>[0], key?: string) => weights.add(data, key);
  // First in init(): a load-time node may read the panels.
  [...tiedBs].forEach(([b, t], k) => {
    const table = plans.map((vp) => vp.g.constants.get(t.source)).find((c) => c)!;
    const init = mod.fn(`tied${k}_init`);
    init.finish(emitPackTransposed(init, addWeight(table, `const:${t.source}`), tiedPanels.get(b)!, t.K, t.N));
    inits.push(`tied${k}_init`);
  });
  const emitted = plans.map((vp, i) => emitVariant(vp, { prefix: i ? `v${i}_` : '', table: tables[i]!, arenaBase, scratchBase, derived: derived[i]!, held: held[i]!, ...(pool ? { threads: { plan: threadPlans[i]!, pool, scratchStride } } : {}) }, { mod, addWeight, helper, atLoad: (name) => inits.push(name), exportNodes, tiedPanels }));
  if (inits.length) {
    // The runtime calls init() once, after the weights are in memory.
    const init = mod.fn('init');
    init.finish(inits.map((name) => init.call(name)));
    mod.exportFunction('init');
  }
  return emitted;
}

/** The metadata section: inputs, outputs, where the weights go (and their hash), memory, variants. */
function moduleMeta(
  opts: CodegenOptions, emitted: EmittedVariant[], dynamic: (DynamicMeta | undefined)[], weights: Uint8Array,
  memory: { offset: number; pages: number; arenaBytes: number; scratchBytes: number },
): ModelMeta {
  const meta: ModelMeta = {
    format: 1,
    inputs: emitted[0]!.inputs, outputs: emitted[0]!.outputs,
    // The weights' hash travels inside the module, so a loader can tell they belong to it.
    weights: { offset: memory.offset, byteLength: weights.byteLength, embedded: !!opts.embedWeights, ...(opts.embedWeights ? {} : { sha256: createHash('sha256').update(weights).digest('hex') }) },
    memory: { pages: memory.pages, arenaBytes: memory.arenaBytes, scratchBytes: memory.scratchBytes },
  };
  if (dynamic[0]) meta.dynamic = dynamic[0];
  if (opts.whenValues) meta.whenValues = opts.whenValues;
  if (emitted.length > 1) {
    meta.variants = emitted.slice(1).map((e, i) => {
      const d = dynamic[i + 1];
      const { when, whenValues } = opts.variants![i]!;
      return { when, ...(whenValues ? { whenValues } : {}), run: e.run, inputs: e.inputs, outputs: e.outputs, ...(d ? { dynamic: d } : {}) };
    });
  }
  return meta;
}

export type { FnBuilder };
