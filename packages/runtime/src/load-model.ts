import { RuntimeError, RuntimeInputError, type TrapReason } from './errors.js';
import { ARRAYS, DType, Tensor, TensorData } from './tensor.js';
import { hostImports } from './host-imports.js';
import { relaxedSimdSupported } from './relaxed-simd.js';
import { Slot, validateMeta } from './validate-meta.js';
import { Grown, Placed, dynamicDims } from './dynamic-dims.js';
import { ValueCondition, publicDims, readValues, unsupportedValue, valuesMatch } from './value-variants.js';
import { checkWeights } from './weights-digest.js';
import { feedBytes, readFeedsOnce } from './read-feeds.js';
import { ThreadsInfo, ThreadsMeta, Workers, callerMayBlock, plainCopy, startWorkers, threadsUnavailable } from './threads.js';

export interface TensorInfo { name: string; dtype: DType; dims: (number | string)[] }

export interface LoadOptions {
  /** The compiled module: bytes, or a precompiled WebAssembly.Module (required where compiling bytes is refused, e.g. Workers). */
  wasm: ArrayBuffer | ArrayBufferView | WebAssembly.Module;
  /** The weights file; omit when the weights are embedded in the module. */
  weights?: ArrayBuffer | ArrayBufferView;
  /**
   * The relaxed-SIMD build of the same compile (model.relaxed.wasm, same weights): used instead of
   * `wasm` where the engine supports relaxed SIMD.
   */
  relaxedWasm?: ArrayBuffer | ArrayBufferView | WebAssembly.Module;
  /**
   * Check the weights against the SHA-256 the module was compiled with (default true): weights
   * that are damaged or from another compile fail with WEIGHTS_MISMATCH instead of running.
   */
  verifyWeights?: boolean;
  /**
   * Threads to run on (default 1; docs/threads.md). More than 1 needs the threaded build of the
   * same compile (`threadsWasm`) and a platform with shared memory and workers; elsewhere the
   * 1-thread `wasm` runs and `model.info` says why.
   */
  threads?: number;
  /** The threaded build (model.threads.wasm from compile({ threads: true })), same weights as `wasm`. */
  threadsWasm?: ArrayBuffer | ArrayBufferView | WebAssembly.Module;
}

/** How the model runs here. */
export type ModelInfo = ThreadsInfo;

export interface Model {
  readonly inputs: TensorInfo[];
  readonly outputs: TensorInfo[];
  /** Runs the model. Output tensors are fresh copies the caller owns. */
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
  /** Threads it runs on, and why fewer than asked for (e.g. no shared memory on this platform). */
  readonly info: ModelInfo;
  /** Stops the model's worker threads (threaded builds); the model must not run afterwards. */
  dispose(): void;
}

function bytesOf(src: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (src instanceof Uint8Array) return src;
  if (ArrayBuffer.isView(src)) return new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
  return new Uint8Array(src);
}

/** The metadata as parsed JSON; validateMeta checks it once the memory size is known. */
function readMeta(module: WebAssembly.Module): unknown {
  const sections = WebAssembly.Module.customSections(module, 'onnx2wasm');
  if (sections.length !== 1) throw new RuntimeError('INVALID_MODULE', 'this .wasm was not produced by onnx2wasm (no onnx2wasm metadata section)');
  try {
    return JSON.parse(new TextDecoder().decode(sections[0]));
  } catch (e) {
    throw new RuntimeError('INVALID_MODULE', `the module's onnx2wasm metadata cannot be read (${(e as Error).message}); recompile the model with this version`);
  }
}

const slotInfo = (s: Slot): TensorInfo => ({ name: s.name, dtype: s.dtype, dims: [...s.dims] });

function checkPresent(slot: Slot, t: Tensor | undefined): void {
  const name = slot.name;
  if (!t || typeof t !== 'object') throw new RuntimeInputError('MISSING_INPUT', name, `input '${name}' is missing (expected ${slot.dtype}[${slot.dims}])`);
  if (t.dtype !== slot.dtype) throw new RuntimeInputError('DTYPE_MISMATCH', name, `input '${name}': expected dtype ${slot.dtype}, got ${String(t.dtype)}`);
}

/** Checks a feed against `slot` as placed for this run (its dims are numbers); returns the feed's bytes, which are what gets copied into the arena. */
function checkFeed(slot: Slot & Placed, t: Tensor): Uint8Array {
  const name = slot.name;
  const dims = t.dims;
  const ok = Array.isArray(dims) && dims.length === slot.dims.length && dims.every((d, i) => d === slot.dims[i]);
  if (!ok) throw new RuntimeInputError('SHAPE_MISMATCH', name, `input '${name}': expected dims [${slot.dims}], got [${Array.isArray(dims) ? dims : String(dims)}]`);
  const Ctor = ARRAYS[slot.dtype];
  if (!(t.data instanceof Ctor)) throw new RuntimeInputError('INVALID_INPUT', name, `input '${name}': data must be a ${Ctor.name} for dtype ${slot.dtype}, got ${t.data?.constructor?.name ?? typeof t.data}`);
  const bytes = feedBytes(name, t.data);
  if (bytes.byteLength !== slot.byteLength) {
    const detached = slot.byteLength > 0 && bytes.byteLength === 0 && (t.data as { buffer: ArrayBuffer }).buffer.byteLength === 0;
    throw new RuntimeInputError('INVALID_INPUT', name, detached
      ? `input '${name}': its buffer is detached (transferred or freed)`
      : `input '${name}': data has ${bytes.byteLength / Ctor.BYTES_PER_ELEMENT} elements, dims [${slot.dims}] need ${slot.byteLength / Ctor.BYTES_PER_ELEMENT}`);
  }
  return bytes;
}

interface Variant {
  run: () => void;
  inputs: Slot[];
  outputs: Slot[];
  /** The symbol values this variant is specialized for ({} for the generic one). */
  when: Record<string, number>;
  /** The input values it runs for (value variants); none: any. */
  whenValues?: ValueCondition;
  dyn?: ReturnType<typeof dynamicDims>;
}

/**
 * Why the module trapped. Kernels set the exported `check_failed` global before they stop a run
 * whose values fail a check; any other trap is an engine trap that a correct module never hits.
 * Decided from that flag, never from the engine's message, whose wording differs between engines.
 */
function trapCause(instance: WebAssembly.Instance): { reason: TrapReason; hint: string } {
  const flag = instance.exports.check_failed;
  if (flag instanceof WebAssembly.Global && flag.value === 1) {
    flag.value = 0;
    return { reason: 'FAILED_CHECK', hint: ' (an index input is out of range for the tensor it indexes, the run took an If branch that cannot run for the shapes the model was compiled for, or it asked for random Dropout (training_mode with a non-zero ratio))' };
  }
  return { reason: 'ENGINE_TRAP', hint: ' (a trap no check of the run\'s values explains: a compiler bug, please report it with the model)' };
}

/** Instantiates a compiled model and copies its weights into memory once; `run` reuses both. */
export async function loadModel(opts: LoadOptions): Promise<Model> {
  if (!opts || !opts.wasm) throw new RuntimeError('INVALID_MODULE', 'loadModel needs { wasm } (bytes or a WebAssembly.Module)');
  const wanted = opts.threads ?? 1;
  if (!(Number.isSafeInteger(wanted) && wanted >= 1)) throw new RuntimeError('INVALID_INPUT', `loadModel: threads must be a positive integer, got ${String(opts.threads)}`);
  // The platform first: where threads cannot run, that is the reason even without a threaded build.
  const noThreads = wanted === 1 ? undefined : threadsUnavailable() ?? (opts.threadsWasm ? undefined : 'no threaded build was given (compile with threads: true and pass threadsWasm)');
  const source = wanted > 1 && !noThreads ? opts.threadsWasm! : opts.relaxedWasm && relaxedSimdSupported() ? opts.relaxedWasm : opts.wasm;
  let module: WebAssembly.Module;
  if (source instanceof WebAssembly.Module) module = source;
  else {
    try { module = await WebAssembly.compile(bytesOf(source) as Uint8Array<ArrayBuffer>); } catch (e) {
      throw new RuntimeError('INVALID_MODULE', `the .wasm cannot be compiled here: ${(e as Error).message}`, { cause: e });
    }
  }
  const rawMeta = readMeta(module);
  let imports: WebAssembly.Imports;
  try { imports = hostImports(module); } catch (e) { throw new RuntimeError('INVALID_MODULE', (e as Error).message); }
  // A threaded build imports its memory, shared, so every thread's instance uses the same one.
  const threaded = (rawMeta as { threads?: ThreadsMeta } | null)?.threads;
  if (threaded) {
    const why = threadsUnavailable();
    if (why) throw new RuntimeError('INVALID_MODULE', `this is a threaded build, which needs shared memory: ${why}; load the 1-thread build (wasm) and pass this one as threadsWasm`);
    const pages = (rawMeta as { memory: { pages: number } }).memory.pages;
    try { imports.env = { memory: new WebAssembly.Memory({ initial: pages, maximum: threaded.maxPages, shared: true }) }; } catch (e) {
      throw new RuntimeError('OUT_OF_MEMORY', `the model's shared memory (${(pages / 16).toFixed(1)} MiB, up to ${(threaded.maxPages / 16).toFixed(1)} MiB) cannot be allocated here: ${(e as Error).message}`);
    }
  }
  let instance: WebAssembly.Instance;
  try { instance = await WebAssembly.instantiate(module, imports); } catch (e) {
    // Instantiation throws RangeError only when the engine cannot reserve a resource: the memory.
    if (e instanceof RangeError) {
      const pages = (rawMeta as { memory?: { pages?: unknown } } | null)?.memory?.pages;
      const size = typeof pages === 'number' ? ` (${(pages / 16).toFixed(1)} MiB)` : '';
      throw new RuntimeError('OUT_OF_MEMORY', `the model's memory${size} cannot be allocated here: ${e.message}`);
    }
    throw new RuntimeError('INVALID_MODULE', `the module cannot be instantiated: ${(e as Error).message}`);
  }
  const memory = instance.exports.memory as WebAssembly.Memory;
  const runFn = instance.exports.run as () => void;
  if (!(memory instanceof WebAssembly.Memory) || typeof runFn !== 'function') throw new RuntimeError('INVALID_MODULE', 'the module does not export memory and run(): not an onnx2wasm module');
  const meta = validateMeta(rawMeta, memory.buffer.byteLength);
  let weightsChecked: Promise<void> | undefined;
  if (!meta.weights.embedded) {
    const w = opts.weights ? bytesOf(opts.weights) : undefined;
    if (!w) throw new RuntimeError('WEIGHTS_MISMATCH', `this model needs its weights file (${meta.weights.byteLength} bytes): pass { weights }`);
    if (w.byteLength !== meta.weights.byteLength) throw new RuntimeError('WEIGHTS_MISMATCH', `the weights have ${w.byteLength} bytes but this module expects ${meta.weights.byteLength}: they belong to another compile of the model`);
    const placed = new Uint8Array(memory.buffer, meta.weights.offset, w.byteLength);
    placed.set(w);
    // The copy in memory is what gets hashed, so bytes the caller changes later cannot slip past.
    // Web Crypto hashes off the main thread while init() below runs; both are awaited before use.
    if (opts.verifyWeights !== false && meta.weights.sha256) {
      // Web Crypto refuses views of shared memory: a threaded build's weights are hashed from a copy.
      weightsChecked = checkWeights(threaded ? placed.slice() : placed, meta.weights.sha256);
      weightsChecked.catch(() => {});
    }
  }
  // Data the module derives from its weights once (e.g. Winograd-transformed filters).
  const init = instance.exports.init;
  if (typeof init === 'function') {
    try { (init as () => void)(); } catch (e) {
      await weightsChecked; // wrong weights are the better explanation of a trap
      throw new RuntimeError('EXECUTION_FAILED', `the model's load-time init trapped: ${(e as Error).message}`, { cause: e, reason: 'ENGINE_TRAP' });
    }
  }
  await weightsChecked;
  let workers: Workers | undefined;
  let info: ModelInfo = noThreads ? { threads: 1, reason: noThreads } : { threads: 1 };
  if (threaded) {
    const use = Math.min(wanted, threaded.parts);
    workers = await startWorkers(module, memory, threaded, use - 1);
    // Node's main thread may block in Atomics.wait (a browser's may not): the module then sleeps
    // instead of spinning while the last part of a node finishes on a worker.
    if (workers.count && callerMayBlock()) (instance.exports.allow_wait as (() => void) | undefined)?.();
    const reason = workers.count < use - 1 ? `${use - 1 - workers.count} of ${use - 1} workers failed to start`
      : use < wanted ? `the module was compiled for up to ${threaded.parts} threads` : undefined;
    info = { threads: 1 + workers.count, ...(reason ? { reason } : {}) };
  }
  const inputNames = new Set(meta.inputs.map((s) => s.name));
  // The generic build, and the copies specialized for some dim values (--specialize).
  const exported = (name: string) => {
    const f = instance.exports[name];
    if (typeof f !== 'function') throw new RuntimeError('INVALID_MODULE', `the module does not export ${name}(), which its metadata names`);
    return f as () => void;
  };
  const generic: Variant = { run: runFn, inputs: meta.inputs, outputs: meta.outputs, when: {}, whenValues: meta.whenValues, dyn: meta.dynamic ? dynamicDims(meta.dynamic, memory) : undefined };
  const specialized: Variant[] = (meta.variants ?? []).map((v) => ({ run: exported(v.run), inputs: v.inputs, outputs: v.outputs, when: v.when, whenValues: v.whenValues, dyn: v.dynamic ? dynamicDims(v.dynamic, memory) : undefined }));
  // Inputs whose values choose the build (static slots: validateMeta checked it).
  const valueInputs = meta.inputs.filter((s) => [generic, ...specialized].some((v) => v.whenValues?.[s.name]));
  // Builds for other input values may give an output other dims (--specialize copies only specialize the generic ones).
  const otherBuilds = specialized.filter((v) => v.whenValues && !Object.keys(v.when).length);
  const outputDims = (o: Slot) => publicDims(o.name, o.dims, otherBuilds.map((v) => v.outputs.find((x) => x.name === o.name)?.dims ?? []));

  return {
    inputs: meta.inputs.map(slotInfo),
    outputs: meta.outputs.map((o) => ({ ...slotInfo(o), dims: outputDims(o) })),
    info,
    dispose() { workers?.stop(); },
    async run(given) {
      if (!given || typeof given !== 'object') throw new RuntimeError('INVALID_INPUT', 'run() takes an object mapping input names to tensors');
      const feeds = readFeedsOnce(given);
      for (const k of Object.keys(feeds)) {
        if (!inputNames.has(k)) throw new RuntimeInputError('UNKNOWN_INPUT', k, `'${k}' is not an input of this model (inputs: ${[...inputNames].join(', ')})`);
      }
      for (const s of meta.inputs) checkPresent(s, feeds[s.name]);
      const env = generic.dyn ? generic.dyn.bind(meta.inputs, feeds) : {};
      for (const s of valueInputs) checkFeed(s as Slot & Placed, feeds[s.name]!);
      const values = readValues(valueInputs.map((s) => s.name), feeds);
      const fits = (x: Variant) => Object.entries(x.when).every(([sym, val]) => env[sym] === val) && valuesMatch(x.whenValues, values);
      const v = specialized.find(fits) ?? (fits(generic) ? generic : undefined);
      if (!v) throw unsupportedValue([generic, ...specialized].map((x) => x.whenValues), values);
      const dyn = v.dyn;
      // Static slots are used as they are; run-time ones are placed for this run's dims.
      const placed = (slots: Slot[]) => (dyn ? slots.map((s) => ({ ...s, ...dyn.place(s, env, ARRAYS[s.dtype].BYTES_PER_ELEMENT) })) : slots as (Slot & Placed)[]);
      // A value-dependent dim without a bound that needs more memory than planned stops the run;
      // the buffers are placed again for the larger value and the run starts over.
      for (let attempt = 0, grown: Grown[] = []; ; attempt++) {
        try { dyn?.prepare(env); } catch (e) {
          if (!grown.length || !(e instanceof RuntimeError)) throw e;
          dyn!.revert(grown);
          const g = grown.map((x) => `${x.op} node '${x.node}' computed ${x.value} for its output dim '${x.symbol}'`).join('; ');
          throw new RuntimeError(e.code, `${g}, which does not fit: ${e.message}`);
        }
        const inputs = placed(v.inputs);
        const bytes = inputs.map((s) => checkFeed(s, feeds[s.name]!));
        inputs.forEach((s, k) => new Uint8Array(memory.buffer, s.offset, s.byteLength).set(bytes[k]!));
        try { v.run(); } catch (e) {
          // The check flag first (read and cleared): finish may throw its own typed error, and a
          // rerun must not inherit it.
          const { reason, hint } = trapCause(instance);
          grown = dyn?.finish(env, true) ?? []; // a kernel that refused a computed dim names itself
          if (grown.length && attempt < dyn!.maxGrows) continue;
          throw new RuntimeError('EXECUTION_FAILED', `the model trapped while running: ${(e as Error).message}${hint}`, { cause: e, reason });
        }
        break;
      }
      dyn?.finish(env, false);
      const out: Record<string, Tensor> = {};
      for (const s of placed(v.outputs)) {
        const Ctor = ARRAYS[s.dtype];
        const bytes = plainCopy(memory.buffer, s.offset, s.byteLength);
        out[s.name] = { dtype: s.dtype, dims: [...s.dims], data: new Ctor(bytes, 0, s.byteLength / Ctor.BYTES_PER_ELEMENT) as TensorData };
      }
      return out;
    },
  };
}
