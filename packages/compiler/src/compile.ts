import { CompileError, Dim, Graph, opLabel, printGraph } from '@onnx2wasm/ir';
import { DEFAULT_LIMITS, ImportLimits, decodeModel } from '@onnx2wasm/onnx-import';
import { LAYOUT_MODES, LayoutMode, PassReport, WEIGHTS_FORMATS, WeightsFormat } from '@onnx2wasm/optimizer';
import { MemoryPlan, ModelMeta } from '@onnx2wasm/wasm-codegen';
import { Target, WORKER_MEMORY_BYTES, checkTarget } from './targets.js';
import { MAX_VALUE_CANDIDATES, ValueVariantsSummary } from './value-variants.js';
import type { Plugin } from './plugins/define-plugin.js';
import { registerPlugins } from './plugins/register-plugins.js';
import { WeightsCompressionSummary, measureWeightsError } from './weights-error.js';
import { ConstantValue, resolveConstantInputs } from './constant-inputs.js';
import { readSource } from './pipeline/read-source.js';
import { graphBuilder } from './pipeline/build-graph.js';
import { buildOrSearch } from './pipeline/build-or-search.js';
import { generate, relaxedBuild } from './pipeline/generate.js';
import { Manifest, packageFiles } from './pipeline/package-files.js';
import { checkLimits } from './pipeline/check-limits.js';
import { RunTimeBranchesSummary, runTimeBranches } from './pipeline/run-time-branches.js';
import { withMemoryHint } from './pipeline/memory-hint.js';

export type { Manifest, RunTimeBranchesSummary };
import { threadParts, threadsBuild } from './threads-build.js';

export interface CompileOptions {
  /**
   * Compile-time budgets against hostile or runaway models: `maxNodes` (IR nodes after expansion,
   * default 1,000,000), `maxUnrolledIterations` (loop iterations unrolled, nested loops counted
   * as the product, 100,000), `maxSubgraphDepth` (32), `maxModelBytes` (2 GiB),
   * `maxRepeatedElements` (numbers in repeated protobuf fields, 64 Mi). Over one: LIMIT_EXCEEDED.
   */
  limits?: ImportLimits;
  /** Pins input dims, e.g. { input: [1, 128, 256] }; needed where the model's inputs have symbolic dims. */
  inputShapes?: Record<string, Dim[]>;
  /**
   * Fixes the values of some inputs at compile time (e.g. a shape or axes input that a model takes
   * as data): they become constants and are no longer inputs of the compiled model. A value may be
   * a tensor or plain numbers ({ sr: 16000 }), which take the dtype and dims the model declares.
   */
  constantInputs?: Record<string, ConstantValue>;
  /**
   * Upper bounds for inputs with symbolic dims, e.g. { input: [8, 512, 256] } (--max-shape): each
   * symbolic dim gets that bound; a run past it fails with SHAPE_OUT_OF_BOUNDS, and the memory at
   * the bounds is checked against maxMemoryBytes at compile time. Static dims must match the model.
   */
  maxShapes?: Record<string, number[]>;
  /**
   * Also compile copies specialized for these values of symbolic dims, e.g. { seq: [1, 128] }
   * (--specialize seq=1,128); the runtime runs a copy when a run's dims match it, else the
   * generic code. Other symbols stay run-time inside the copies.
   */
  specialize?: Record<string, number[]>;
  /** Put the weights inside the .wasm (c.weights is then empty). */
  embedWeights?: boolean;
  /** false skips the graph optimizer (--no-opt). */
  optimize?: boolean;
  /** Run only these optimizer passes, in this order (--passes). */
  passes?: string[];
  /** Data layout of conv networks (--layout): 'auto' (default) picks NHWC when its transposes cancel down to the graph boundary. */
  layout?: LayoutMode;
  /** Verify the IR after import and after every pass (--verify). */
  verify?: boolean;
  /**
   * Relaxed-SIMD FMA instructions. 'both' keeps `wasm` SIMD128 and adds the relaxed build as
   * `relaxedWasm` and files['<name>.relaxed.wasm'] (same weights; loadModel({ wasm, relaxedWasm,
   * weights }) and the glue pick the one the engine runs: Chrome 114+, Node 22+; Node 20 only with
   * --experimental-wasm-relaxed-simd). true makes `wasm` the relaxed build only; false (--no-relaxed-simd)
   * emits SIMD128 only. Default 'both', except where a second module would be shipped rather than
   * chosen: target 'worker' (one module in the bundle) and embedWeights (the weights would travel twice) get false.
   */
  relaxedSimd?: boolean | 'both';
  /** Base name of the output files (default 'model'). */
  name?: string;
  /** Folder for external weight files when compiling from bytes (a path input uses its own folder). */
  baseDir?: string;
  /**
   * Fail if the module's linear memory would exceed this many bytes; for target 'worker' also if
   * the isolate's share (memory, module, weights data module) would. Default for 'worker': 128 MiB.
   */
  maxMemoryBytes?: number;
  /**
   * Where the folder will run; decides the glue and the weights file name (see targets.ts).
   * 'universal' (default): Node or browsers; 'node'; 'browser'; 'worker' (Cloudflare Workers, workerd).
   */
  target?: Target;
  /** Fail if the gzipped script (for 'worker' the whole bundle, weights included) exceeds this many bytes. */
  maxScriptBytes?: number;
  /** Custom ops and passes (definePlugin values), registered before import; see docs/plugins.md. */
  plugins?: Plugin[];
  /**
   * Value variants (docs/dynamic-shapes.md): when the model needs the values of small integer
   * inputs (axes, axis, k), it is built once per candidate value. false turns this off;
   * maxCandidates caps the value tuples tried (default 64).
   */
  valueVariants?: false | { maxCandidates?: number };
  /**
   * Conv kernels (--kernels): 'fast' runs 3x3 convs as Winograd, whose filters are transformed at
   * load into extra memory; 'lean' keeps the weights as shipped (im2col/direct convs), for tight
   * memory limits. 'auto' (default): fast, unless a memory limit (maxMemoryBytes, 128 MiB for
   * target 'worker') is exceeded and the lean kernels fit; the summary says which was used and why.
   */
  kernels?: KernelMode;
  /**
   * Store a float32 model's weights compressed (--weights): 'float16', or 'int8' (symmetric, per
   * output channel); they are widened to float32 once at load time. The summary's
   * weightsCompression reports the bytes saved and the output error against the float32 build
   * (docs/quantization.md). Default 'float32' (as the model stores them).
   */
  weights?: 'float32' | WeightsFormat;
  /**
   * Also emit the threaded build (--threads; docs/threads.md) as `threadsWasm` and
   * files['<name>.threads.wasm']: true splits heavy nodes for up to 4 threads, a number for up to
   * that many. loadModel({ wasm, threadsWasm, weights, threads: N }) runs it on N threads where
   * the platform has shared memory, else the 1-thread `wasm`.
   */
  threads?: boolean | number;
}

export const KERNEL_MODES = ['auto', 'fast', 'lean'] as const;
export type KernelMode = (typeof KERNEL_MODES)[number];

export interface CompileSummary {
  nodes: number;
  ops: Record<string, number>;
  wasmBytes: number;
  weightsBytes: number;
  arenaBytes: number;
  lowerBoundBytes: number;
  memoryBytes: number;
  compileMs: number;
  passes: PassReport[];
  target: Target;
  wasmGzipBytes: number;
  /** The gzipped files the target loads as code; what --max-script-size limits. */
  scriptBytes: number;
  scriptGzipBytes: number;
  /** Target 'worker': bytes one isolate holds for the model (what --max-memory limits there). */
  isolateBytes?: number;
  /** Bytes of the relaxed-SIMD build (relaxedSimd 'both', the default): what the FMA build adds to the folder. */
  relaxedWasmBytes?: number;
  /** Problems that do not stop the compile, e.g. a Worker bundle over Cloudflare's size limit. */
  warnings: string[];
  /** Present when inputs were compiled per value: which, and how many builds. */
  valueVariants?: ValueVariantsSummary;
  /** The conv kernels used; with kernels 'auto', why the lean ones were picked. */
  kernels: { mode: 'fast' | 'lean'; reason?: string };
  /** Present with weights 'float16' or 'int8': sizes and the measured output error. */
  weightsCompression?: WeightsCompressionSummary;
  /** Present when If nodes are decided at run time (both branches compiled, the taken one run). */
  runTimeBranches?: RunTimeBranchesSummary;
}


export interface CompileResult {
  wasm: Uint8Array;
  /** The relaxed-SIMD build, with relaxedSimd: 'both'. */
  relaxedWasm?: Uint8Array;
  /** The threaded build, with `threads`. */
  threadsWasm?: Uint8Array;
  /** Empty when the weights are embedded. */
  weights: Uint8Array;
  /** Exactly the files the CLI writes, by relative path. */
  files: Record<string, Uint8Array>;
  manifest: Manifest;
  meta: ModelMeta;
  summary: CompileSummary;
  /** The optimized IR graph. */
  graph: Graph;
  /** The optimized IR graph as text. */
  irText: string;
  /** Where every run-time value lives in the activation arena, and why it is that size. */
  plan: MemoryPlan;
}


function valueCandidateLimit(o: CompileOptions): number {
  if (o.valueVariants === false) return 0;
  const n = o.valueVariants?.maxCandidates ?? MAX_VALUE_CANDIDATES;
  if (!(Number.isSafeInteger(n) && n >= 0)) throw new CompileError('INVALID_OPTION', `valueVariants.maxCandidates must be a whole number >= 0, got ${String(n)}`);
  return n;
}

function validateOptions(o: CompileOptions): void {
  if (o.inputShapes !== undefined) {
    if (typeof o.inputShapes !== 'object' || o.inputShapes === null) throw new CompileError('INVALID_OPTION', 'inputShapes must map input names to dim lists');
    for (const [k, dims] of Object.entries(o.inputShapes)) {
      if (!Array.isArray(dims) || dims.some((d) => !(typeof d === 'string' || (Number.isInteger(d) && d >= 0)))) {
        throw new CompileError('INVALID_OPTION', `inputShapes['${k}'] must be a list of non-negative integers (or dim names), got ${JSON.stringify(dims)}`);
      }
    }
  }
  if (o.target !== undefined) checkTarget(o.target);
  if (o.kernels !== undefined && !KERNEL_MODES.includes(o.kernels)) throw new CompileError('INVALID_OPTION', `kernels must be one of ${KERNEL_MODES.join(', ')}, got ${JSON.stringify(o.kernels)}`);
  if (o.layout !== undefined && !LAYOUT_MODES.includes(o.layout)) throw new CompileError('INVALID_OPTION', `layout must be one of ${LAYOUT_MODES.join(', ')}, got ${JSON.stringify(o.layout)}`);
  for (const k of ['maxMemoryBytes', 'maxScriptBytes'] as const) {
    const v = o[k];
    if (v !== undefined && !(Number.isSafeInteger(v) && v > 0)) throw new CompileError('INVALID_OPTION', `${k} must be a positive whole number of bytes, got ${String(v)}`);
  }
  if (o.weights !== undefined && o.weights !== 'float32' && !WEIGHTS_FORMATS.includes(o.weights)) throw new CompileError('INVALID_OPTION', `weights must be one of float32, ${WEIGHTS_FORMATS.join(', ')}, got ${JSON.stringify(o.weights)}`);
  const name = o.name ?? 'model';
  if (!/^[A-Za-z0-9_.-]+$/.test(name) || name.startsWith('.')) throw new CompileError('INVALID_OPTION', `output name '${name}' must be a plain file name`);
}

/** Compiles an ONNX model (path or bytes) to a wasm module, its weights and ready-to-use glue files. */
export async function compile(model: Uint8Array | ArrayBuffer | string, options: CompileOptions = {}): Promise<CompileResult> {
  validateOptions(options);
  const mode = options.kernels ?? 'auto';
  if (mode !== 'auto') return withMemoryHint(() => compileWith(model, options, mode === 'lean'), mode === 'lean');
  try {
    return await compileWith(model, options, false);
  } catch (fast) {
    if (!(fast instanceof CompileError && fast.code === 'MEMORY_LIMIT')) throw fast;
    // The fast kernels do not fit the limit: the lean ones need no load-time copies of the weights.
    const lean = await withMemoryHint(() => compileWith(model, options, true), true);
    lean.summary.kernels = { mode: 'lean', reason: `the fast kernels do not fit: ${fast.message}` };
    return lean;
  }
}

/**
 * One compile with the fast or the lean conv kernels: read → import and optimize (per value when
 * the model needs input values) → generate → package → check the target's limits → summarize.
 */
async function compileWith(model: Uint8Array | ArrayBuffer | string, options: CompileOptions, lean: boolean): Promise<CompileResult> {
  const t0 = performance.now();
  const parts = threadParts(options.threads); // checked first: a bad value fails before the work
  const maxCandidates = valueCandidateLimit(options);
  const extraPasses = options.plugins ? registerPlugins(options.plugins) : [];
  const { bytes, baseDir } = readSource(model, options.limits?.maxModelBytes ?? DEFAULT_LIMITS.maxModelBytes);
  const name = options.name ?? 'model';
  const target = options.target ?? 'universal';
  const maxMemoryBytes = options.maxMemoryBytes ?? (target === 'worker' ? WORKER_MEMORY_BYTES : undefined);
  const relaxedSimd = relaxedSimdMode(options, target);
  // Decoded once: with value variants the model is imported once per candidate value.
  const decoded = decodeModel(bytes, options.limits);
  const constantInputs = resolveConstantInputs(decoded, options.constantInputs);
  const buildGraph = graphBuilder(decoded, options, { constantInputs, baseDir, extraPasses, lean });
  const { builds, generated: { codegen, gen }, valueVariants } = buildOrSearch(decoded, buildGraph, (bs) => generate(bs, { ...options, relaxedSimd }, maxMemoryBytes),
    { inputShapes: options.inputShapes, pinned: new Set(Object.keys(options.constantInputs ?? {})), maxCandidates });
  const { imported, optimized } = builds[0]!;
  const graph = optimized.graph;
  const relaxedWasm = relaxedSimd === 'both' ? relaxedBuild(graph, gen.weights, codegen) : undefined;
  const threadsWasm = parts ? threadsBuild(graph, gen.weights, { ...codegen, relaxed: relaxedSimd === true }, parts) : undefined;
  const { files, manifest, weightsFile } = packageFiles({ name, target, embedWeights: options.embedWeights, source: bytes, imported, gen, relaxedWasm, threadsWasm });
  const { memoryBytes, sizes, warnings } = checkLimits({ name, target, files, weightsFile, gen, imported, maxMemoryBytes, maxScriptBytes: options.maxScriptBytes });

  const branches = runTimeBranches(imported, graph);
  const ops: Record<string, number> = {};
  for (const n of graph.nodes) ops[opLabel(n)] = (ops[opLabel(n)] ?? 0) + 1;
  const compressed = options.weights === 'float16' || options.weights === 'int8'
    ? await measureWeightsError(options.weights, gen, await compile(bytes, { ...options, weights: 'float32', relaxedSimd: false, baseDir: options.baseDir ?? baseDir }))
    : undefined;
  return {
    wasm: gen.wasm,
    ...(relaxedWasm ? { relaxedWasm } : {}),
    ...(threadsWasm ? { threadsWasm } : {}),
    weights: gen.weights,
    files,
    manifest,
    meta: gen.meta,
    graph,
    irText: printGraph(graph),
    plan: gen.plan,
    summary: {
      nodes: graph.nodes.length, ops,
      wasmBytes: gen.wasm.byteLength, weightsBytes: gen.meta.weights.byteLength,
      arenaBytes: gen.plan.arenaBytes, lowerBoundBytes: gen.plan.lowerBoundBytes,
      memoryBytes,
      compileMs: performance.now() - t0,
      passes: optimized.report,
      target,
      wasmGzipBytes: sizes.wasmGzipBytes,
      scriptBytes: sizes.scriptBytes,
      scriptGzipBytes: sizes.scriptGzipBytes,
      isolateBytes: sizes.isolateBytes,
      ...(relaxedWasm ? { relaxedWasmBytes: relaxedWasm.byteLength } : {}),
      warnings,
      ...(valueVariants ? { valueVariants } : {}),
      kernels: { mode: lean ? 'lean' : 'fast' },
      ...(compressed ? { weightsCompression: compressed } : {}),
      ...(branches ? { runTimeBranches: branches } : {}),
    },
  };
}

/**
 * Which builds to emit (CompileOptions.relaxedSimd). A Worker bundle holds one module, which the
 * isolate compiles at upload whether it runs it or not, so 'both' is refused there.
 */
function relaxedSimdMode(o: CompileOptions, target: Target): boolean | 'both' {
  const mode = o.relaxedSimd;
  if (mode !== undefined && mode !== true && mode !== false && mode !== 'both') throw new CompileError('INVALID_OPTION', `relaxedSimd must be true, false or 'both', got ${JSON.stringify(mode)}`);
  if (mode === 'both' && target === 'worker') throw new CompileError('INVALID_OPTION', "relaxedSimd 'both' cannot be used with target 'worker': a Worker bundle ships one module; choose true (relaxed SIMD only) or false");
  return mode ?? (target === 'worker' || o.embedWeights ? false : 'both');
}
