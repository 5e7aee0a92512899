import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { CompileError, LimitError, Dim, Graph, Tensor, printGraph, verifyGraph } from '@onnx2wasm/ir';
import { DEFAULT_LIMITS, ImportLimits, ImportedModel, decodeModel, importModel } from '@onnx2wasm/onnx-import';
import { LAYOUT_MODES, LayoutMode, PassReport, WEIGHTS_FORMATS, WeightsFormat, compressWeights, optimize } from '@onnx2wasm/optimizer';
import { CodegenOptions, MemoryPlan, ModelMeta, ValueCondition, effectiveGuards, generateModule, keepsNchw, planVariant } from '@onnx2wasm/wasm-codegen';
import { glueDts, glueJs } from './glue.js';
import { checkIsolateMemory, checkScriptSize, measure } from './limits.js';
import { FOLDER_PACKAGE_JSON, isFolderSupport, runtimeFiles } from './runtime-files.js';
import { Target, WORKER_MEMORY_BYTES, checkTarget, weightsFileName } from './targets.js';
import { VERSION } from './version.js';
import { specializedVariants } from './specialize.js';
import { MAX_VALUE_CANDIDATES, ValueVariantsSummary, findValueVariants, publicOutputs } from './value-variants.js';
import type { Plugin } from './plugins/define-plugin.js';
import { registerPlugins } from './plugins/register-plugins.js';
import { WeightsCompressionSummary, measureWeightsError } from './weights-error.js';
import { ConstantValue, resolveConstantInputs } from './constant-inputs.js';

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

export interface RunTimeBranchesSummary {
  /** If nodes whose condition is only known at run time. */
  ifNodes: number;
  /** Nodes of the generated code that run only when their branch is taken. */
  conditionalNodes: number;
  /** Integer and bool graph inputs the conditions are computed from, with how many If nodes each decides: pin them (constantInputs, --constant) to compile only the taken branches. */
  inputs: Record<string, number>;
  /** A value to suggest per input, when a condition compares the input with a constant (sr == 16000). */
  compared: Record<string, number>;
}

function runTimeBranches(imported: ImportedModel, graph: Graph): RunTimeBranchesSummary | undefined {
  if (!imported.runTimeIfs.length) return undefined;
  const inputs: Record<string, number> = {};
  // Only integer and bool inputs are worth pinning (a sample rate, a mode flag), not the data.
  const pinnable = (i: string) => /^(u?int|bool)/.test(imported.graph.types.get(i)?.dtype ?? '');
  const compared: Record<string, number> = {};
  for (const r of imported.runTimeIfs) {
    for (const i of r.inputs.filter(pinnable)) inputs[i] = (inputs[i] ?? 0) + 1;
    for (const [i, v] of Object.entries(r.compared ?? {})) if (pinnable(i)) compared[i] ??= v;
  }
  return { ifNodes: imported.runTimeIfs.length, conditionalNodes: effectiveGuards(graph).size, inputs, compared };
}

export interface CompileResult {
  wasm: Uint8Array;
  /** The relaxed-SIMD build, with relaxedSimd: 'both'. */
  relaxedWasm?: Uint8Array;
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

export interface Manifest {
  name: string;
  compiler: { name: 'onnx2wasm'; version: string };
  source: { sha256: string; bytes: number; opset: number; producer: string };
  inputs: { name: string; dtype: string; dims: (number | string)[] }[];
  outputs: { name: string; dtype: string; dims: (number | string)[] }[];
  files: Record<string, { bytes: number; sha256: string }>;
  memory: { pages: number; arenaBytes: number; weightsBytes: number };
  target: Target;
  /** The weights file and its content hash (a new model version has a new one); both null when the weights are embedded. */
  weights: { file: string | null; sha256: string | null; bytes: number; embedded: boolean };
}

/** One import + optimize of the model; with value variants, for some input values. */
interface Build { imported: ImportedModel; optimized: ReturnType<typeof optimize>; whenValues?: ValueCondition }

function valueCandidateLimit(o: CompileOptions): number {
  if (o.valueVariants === false) return 0;
  const n = o.valueVariants?.maxCandidates ?? MAX_VALUE_CANDIDATES;
  if (!(Number.isSafeInteger(n) && n >= 0)) throw new CompileError('INVALID_OPTION', `valueVariants.maxCandidates must be a whole number >= 0, got ${String(n)}`);
  return n;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function readSource(src: Uint8Array | ArrayBuffer | string, maxBytes: number): { bytes: Uint8Array; baseDir?: string } {
  if (typeof src === 'string') {
    let size: number;
    try { size = fs.statSync(src).size; } catch { size = 0; } // the read below reports the error
    if (size > maxBytes) throw new LimitError('maxModelBytes', size, maxBytes, `the model file '${src}' is larger than allowed`);
    try {
      return { bytes: new Uint8Array(fs.readFileSync(src)), baseDir: path.dirname(path.resolve(src)) };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new CompileError('IO_ERROR', `model file '${src}' does not exist`);
      if (code === 'EISDIR') throw new CompileError('IO_ERROR', `'${src}' is a folder; give the .onnx file`);
      throw new CompileError('IO_ERROR', `cannot read model file '${src}': ${code ?? (e as Error).message}`);
    }
  }
  if (src instanceof Uint8Array) return { bytes: src };
  if (src instanceof ArrayBuffer) return { bytes: new Uint8Array(src) };
  throw new CompileError('INVALID_OPTION', 'compile() takes the model as a file path, a Uint8Array or an ArrayBuffer');
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

async function compileWith(model: Uint8Array | ArrayBuffer | string, options: CompileOptions, lean: boolean): Promise<CompileResult> {
  const t0 = performance.now();
  const maxCandidates = valueCandidateLimit(options);
  const extraPasses = options.plugins ? registerPlugins(options.plugins) : [];
  const { bytes, baseDir } = readSource(model, options.limits?.maxModelBytes ?? DEFAULT_LIMITS.maxModelBytes);
  const name = options.name ?? 'model';
  const target = options.target ?? 'universal';
  const maxMemoryBytes = options.maxMemoryBytes ?? (target === 'worker' ? WORKER_MEMORY_BYTES : undefined);
  // Compressed weights are widened at load time, so kernels see them as run-time data; the NHWC
  // conv kernels pack their weights at compile time and take only constants, so such builds stay NCHW.
  const compressing = options.weights === 'float16' || options.weights === 'int8';
  const relaxedMode = relaxedSimdMode(options, target);
  // Decoded once: with value variants the model is imported once per candidate value.
  const decoded = decodeModel(bytes, options.limits);
  const constantInputs = resolveConstantInputs(decoded, options.constantInputs);
  const front = (knownInputs?: Record<string, Tensor>): Build => {
    const imported = importModel(decoded, { inputShapes: options.inputShapes, constantInputs, knownInputs, baseDir: options.baseDir ?? baseDir, limits: options.limits });
    if (options.verify) verifyGraph(imported.graph, 'import');
    const optimized = options.optimize === false
      ? optimize(imported.graph, { passes: ['fold-constants', 'dce'], verify: options.verify })
      : optimize(imported.graph, { passes: options.passes, verify: options.verify, extraPasses, keepsNchw, layout: compressing ? 'nchw' : options.layout });
    if (lean) useLeanKernels(optimized.graph);
    const format = options.weights;
    if (format === 'float16' || format === 'int8') optimized.graph = compressWeights(optimized.graph, format).graph;
    if (format && options.verify) verifyGraph(optimized.graph, 'compress-weights');
    return { imported, optimized };
  };
  const codegenFor = (builds: Build[]): Omit<CodegenOptions, 'relaxed'> => {
    const imported = builds[0]!.imported;
    const maxDims = options.maxShapes ? symbolBounds(imported.graph, options.maxShapes) : undefined;
    const symbols = new Set(imported.graph.inputs.flatMap((i) => imported.graph.types.get(i)!.shape.filter((d): d is string => typeof d === 'string')));
    // --specialize copies of every build come first: the runtime runs the first variant that matches.
    const specialized = options.specialize ? builds.flatMap((b) => specializedVariants(b.optimized.graph, options.specialize!, symbols, options.layout).map((v) => ({ ...v, whenValues: b.whenValues }))) : [];
    const byValue = builds.slice(1).map((b) => ({ graph: b.optimized.graph, when: {}, whenValues: b.whenValues }));
    const variants = specialized.length || byValue.length ? [...specialized, ...byValue] : undefined;
    return { embedWeights: options.embedWeights, maxMemoryBytes, maxDims, variants, whenValues: builds[0]!.whenValues };
  };
  const generate = (bs: Build[]) => {
    const codegen = codegenFor(bs);
    return { codegen, gen: generateModule(bs[0]!.optimized.graph, { ...codegen, relaxed: relaxedMode === true }) };
  };
  let builds: Build[];
  let generated: ReturnType<typeof generate>;
  let valueVariants: ValueVariantsSummary | undefined;
  try {
    builds = [front()];
    generated = generate(builds);
  } catch (failure) {
    // The model may need the values of small integer inputs (axes, k): build per value instead.
    const found = findValueVariants(decoded, failure, (known) => {
      const b = front(known);
      planVariant(b.optimized.graph);
      return { result: b, graph: b.optimized.graph };
    }, { inputShapes: options.inputShapes, pinned: new Set(Object.keys(options.constantInputs ?? {})), maxCandidates });
    builds = found.builds.map((b) => ({ ...b.result, whenValues: Object.keys(b.whenValues).length ? b.whenValues : undefined }));
    generated = generate(builds);
    valueVariants = found.summary;
  }
  const { codegen, gen } = generated;
  const { imported, optimized } = builds[0]!;
  const graph = optimized.graph;
  const relaxedWasm = relaxedMode === 'both' ? relaxedBuild(graph, gen.weights, codegen) : undefined;

  const files: Record<string, Uint8Array> = {};
  const enc = new TextEncoder();
  // Embedded weights have no hash of their own: the module's hash in manifest.files covers them.
  const weightsHash = options.embedWeights ? null : sha256(gen.weights);
  const weightsFile = weightsHash === null ? null : weightsFileName(name, target, weightsHash);
  const weightsInfo = { file: weightsFile, sha256: weightsHash, bytes: gen.meta.weights.byteLength };
  files[`${name}.wasm`] = gen.wasm;
  if (relaxedWasm) files[`${name}.relaxed.wasm`] = relaxedWasm;
  if (weightsFile) files[weightsFile] = gen.weights;
  // What users see of the model: with value variants, output dims that differ per value are named.
  const shown = { ...gen.meta, outputs: publicOutputs(gen.meta) };
  files[`${name}.js`] = enc.encode(glueJs({ name, target, meta: shown, weights: weightsInfo, relaxed: relaxedWasm ? `${name}.relaxed.wasm` : null }));
  files[`${name}.d.ts`] = enc.encode(glueDts(shown));
  Object.assign(files, runtimeFiles());
  Object.assign(files, FOLDER_PACKAGE_JSON);
  const manifest: Manifest = {
    name,
    compiler: { name: 'onnx2wasm', version: VERSION },
    source: { sha256: sha256(bytes), bytes: bytes.byteLength, opset: imported.opset, producer: imported.producer },
    inputs: gen.meta.inputs.map(({ name: n, dtype, dims }) => ({ name: n, dtype, dims })),
    outputs: shown.outputs.map(({ name: n, dtype, dims }) => ({ name: n, dtype, dims })),
    files: Object.fromEntries(Object.entries(files).filter(([f]) => !isFolderSupport(f)).map(([f, b]) => [f, { bytes: b.byteLength, sha256: sha256(b) }])),
    memory: { pages: gen.meta.memory.pages, arenaBytes: gen.meta.memory.arenaBytes, weightsBytes: gen.meta.weights.byteLength },
    target,
    weights: { ...weightsInfo, embedded: weightsFile === null },
  };
  files['manifest.json'] = enc.encode(JSON.stringify(manifest, null, 2) + '\n');

  // With symbolic dims the memory grows at run time: the isolate check counts it at the --max-shape
  // bounds (without bounds, only the initial memory is known).
  const memoryBytes = gen.maxMemoryBytes ?? gen.meta.memory.pages * 65536;
  const sizes = measure(files, `${name}.wasm`, target, weightsFile, memoryBytes);
  if (maxMemoryBytes !== undefined) checkIsolateMemory(sizes, memoryBytes, gen.wasm.byteLength, maxMemoryBytes);
  const warnings = checkScriptSize(sizes, target, options.maxScriptBytes);
  for (const r of imported.runTimeIfs) {
    if (r.failedBranch) warnings.push(`If node '${r.node}': its ${r.failedBranch.branch} branch cannot run for the compiled shapes, so runs that take it fail (${r.failedBranch.reason})`);
  }

  const branches = runTimeBranches(imported, graph);
  const ops: Record<string, number> = {};
  for (const n of graph.nodes) ops[n.op] = (ops[n.op] ?? 0) + 1;
  const compressed = options.weights === 'float16' || options.weights === 'int8'
    ? await measureWeightsError(options.weights, gen, await compile(bytes, { ...options, weights: 'float32', relaxedSimd: false, baseDir: options.baseDir ?? baseDir }))
    : undefined;
  return {
    wasm: gen.wasm,
    ...(relaxedWasm ? { relaxedWasm } : {}),
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

/** Marks every conv to run without Winograd (wasm-codegen reads winograd: 0): no filters transformed at load. */
function useLeanKernels(g: Graph): void {
  for (const n of g.nodes) if (n.op === 'Conv' || n.op === 'NhwcConv') n.attrs = { ...n.attrs, winograd: 0 };
}

/** MEMORY_LIMIT and SIZE_LIMIT errors end with what would make the model fit. */
async function withMemoryHint(build: () => Promise<CompileResult>, leanTried: boolean): Promise<CompileResult> {
  try {
    return await build();
  } catch (e) {
    if (e instanceof CompileError && e.code === 'MEMORY_LIMIT') {
      e.message += leanTried ? '. This is with the memory-lean kernels (no Winograd filters transformed at load); to lower it further: '
        : ". To lower it: memory-lean kernels (--kernels lean, or kernels: 'lean'), which keep Winograd weights untransformed; ";
      e.message += 'smaller inputs (a smaller batch or sequence through --input-shape, lower --max-shape bounds); ' +
        'splitting the model into parts that each fit; or a higher limit (--max-memory) where the platform allows it';
    } else if (e instanceof CompileError && e.code === 'SIZE_LIMIT') {
      e.message += '. To shrink it: keep the weights in a separate file (no --embed-weights; for --target worker they still count, ' +
        'as they travel in the bundle); fewer or smaller weights (a smaller model, or splitting it into parts); ' +
        'or a higher limit (--max-script-size) where the platform allows it';
    }
    throw e;
  }
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

/** The relaxed-SIMD module of the same graph; it must share the SIMD128 build's weights byte for byte. */
function relaxedBuild(graph: Graph, weights: Uint8Array, opts: Omit<CodegenOptions, 'relaxed'>): Uint8Array {
  const gen = generateModule(graph, { ...opts, relaxed: true });
  const same = gen.weights.byteLength === weights.byteLength && gen.weights.every((b, i) => b === weights[i]);
  if (!same) throw new CompileError('CODEGEN_FAILED', 'the relaxed-SIMD build laid out its weights differently from the SIMD128 build');
  return gen.wasm;
}

/** maxShapes per input → a bound per symbol (the smallest where a symbol appears twice). */
function symbolBounds(g: Graph, maxShapes: Record<string, number[]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, dims] of Object.entries(maxShapes)) {
    const t = g.inputs.includes(name) ? g.types.get(name) : undefined;
    if (!t) throw new CompileError('INVALID_OPTION', `maxShapes: the model has no input '${name}' (inputs: ${g.inputs.join(', ')})`);
    if (dims.length !== t.shape.length) throw new CompileError('INVALID_OPTION', `maxShapes['${name}'] has ${dims.length} dims, the input has ${t.shape.length} ([${t.shape}])`);
    t.shape.forEach((d, i) => {
      const v = dims[i]!;
      if (!(Number.isSafeInteger(v) && v >= 1)) throw new CompileError('INVALID_OPTION', `maxShapes['${name}'] dim ${i} must be a positive integer, got ${String(v)}`);
      if (typeof d === 'number') {
        if (d !== v) throw new CompileError('INVALID_OPTION', `maxShapes['${name}'] dim ${i} is ${v}, but the model fixes it to ${d}`);
      } else out[d] = Math.min(out[d] ?? Infinity, v);
    });
  }
  return out;
}
