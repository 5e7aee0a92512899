// One fuzz case, through the public API only: compile(), then loadModel() and run() with random
// inputs. Typed errors (a CompileError or RuntimeError with a known code) are outcomes; anything
// else is a finding.
import { CompileError, compile } from 'onnx2wasm';
import { RuntimeError, loadModel } from '@onnx2wasm/runtime';
import type { Model, Tensor } from '@onnx2wasm/runtime';
import { corruptModule } from './corrupt-module.js';
import { COMPILE_ERROR_CODES, RUNTIME_ERROR_CODES } from './error-codes.js';
import { breakFeeds, elementCount, runDims, validFeeds } from './feeds.js';
import type { CompileChoices, FeedMode } from './make-case.js';
import { makeRng } from './rng.js';

export interface CaseJob {
  modelFile: string;
  compile: CompileChoices;
  feedSeed: number;
  feedMode: FeedMode;
  corruptModule: boolean;
  mustFail?: string;
  /** Text of a file outside the model's folder (external-data races): it must not reach the weights. */
  secretMarker?: string;
  /** Compile only (a valid model that would run for too long). */
  compileOnly?: boolean;
  /** Count the compiler's own failure codes (VERIFY_FAILED, CODEGEN_FAILED) as findings too. */
  strict?: boolean;
}

export type FindingKind =
  | 'untyped-compile-error' | 'untyped-runtime-error' // an exception without a known code
  | 'masked-internal-error' // a known code wrapping a TypeError or RangeError message
  | 'internal-error' // VERIFY_FAILED or CODEGEN_FAILED, with --strict
  | 'accepted-invalid-model' | 'accepted-bad-input' // should have failed and did not
  | 'unloadable-module' | 'rejected-valid-input' // compiled, but the module or its inputs do not work
  | 'state-corrupted' | 'bad-output' // wrong answers after an error, outputs that disagree with their dims
  | 'accepted-tampered-weights' // weights with other bytes than the module was compiled with loaded
  | 'leaked-outside-file' // a file outside the model's folder was read into the compiled weights
  | 'timeout' | 'crash' | 'out-of-memory'; // reported by the pool

export interface CaseResult {
  outcome: string;
  finding?: { kind: FindingKind; message: string; stack?: string };
  /** The typed error's message, kept for docs and debugging. */
  message?: string;
  /** Set by the pool's worker: its peak resident memory after the case. */
  peakRssBytes?: number;
}

/** Compiled models needing more memory than this are not run (the compile is what is under test). */
const RUN_MEMORY_CAP = 1 << 30;
const RUN_INPUT_CAP = 1 << 26;

const isTypedCompileError = (e: unknown): e is CompileError => e instanceof CompileError && COMPILE_ERROR_CODES.includes(e.code);
const isTypedRuntimeError = (e: unknown): e is RuntimeError => e instanceof RuntimeError && RUNTIME_ERROR_CODES.includes(e.code);

/** A JavaScript engine error wrapped in a typed one: the code is right, the message is a crash report. */
const ENGINE_ERROR = /Cannot read propert|is not a function|is not iterable|is not defined|Invalid (typed )?array length|Maximum call stack|Cannot convert|cannot be converted to a BigInt|Cannot set propert|offset is out of bounds|Array buffer allocation failed/;

function typedOutcome(outcome: string, e: Error): CaseResult {
  if (ENGINE_ERROR.test(e.message)) return { ...finding('masked-internal-error', e), message: e.message };
  return { outcome, message: e.message };
}

function finding(kind: FindingKind, e: unknown, outcome = `finding:${kind}`): CaseResult {
  const err = e instanceof Error ? e : new Error(String(e));
  return { outcome, finding: { kind, message: `${err.name}: ${err.message}`, stack: err.stack } };
}

function outputProblem(model: Model, out: Record<string, Tensor>): string | undefined {
  for (const info of model.outputs) {
    const t = out[info.name];
    if (!t) return `output '${info.name}' missing`;
    if (t.data.length !== elementCount(t.dims)) return `output '${info.name}' has ${t.data.length} elements for dims [${t.dims}]`;
  }
  return undefined;
}

function sameOutputs(a: Record<string, Tensor>, b: Record<string, Tensor>): boolean {
  return Object.keys(a).every((k) => {
    const x = new Uint8Array(a[k]!.data.buffer), y = new Uint8Array(b[k]!.data.buffer);
    return x.length === y.length && x.every((v, i) => v === y[i]);
  });
}

/** IR ops whose results differ from run to run (Bernoulli, RandomNormalLike … are expanded into these). */
const RANDOM_OPS = /^Random/;

async function runCompiled(job: CaseJob, wasm: Uint8Array, weights: Uint8Array, meta: object, random: boolean): Promise<CaseResult> {
  const rng = makeRng(job.feedSeed);
  let prefix = '';
  if (job.corruptModule) {
    const d = corruptModule(wasm, weights, meta as Record<string, unknown>, rng);
    ({ wasm, weights } = d);
    prefix = 'damaged-module:';
  }
  // Tampered weights of the right size must be refused by the default check.
  if (!job.corruptModule && weights.byteLength > 0 && rng.chance(0.15)) {
    const tampered = weights.slice();
    const at = rng.int(tampered.byteLength);
    tampered[at] = tampered[at]! ^ (1 << rng.int(8));
    try {
      await loadModel({ wasm, weights: tampered });
      return finding('accepted-tampered-weights', new Error(`weights with bit flipped at byte ${at} loaded`));
    } catch (e) {
      if (!isTypedRuntimeError(e)) return finding('untyped-runtime-error', e);
      if (e.code !== 'WEIGHTS_MISMATCH') return finding('accepted-tampered-weights', new Error(`tampered weights gave ${e.code}, not WEIGHTS_MISMATCH: ${e.message}`));
    }
  }
  let model: Model;
  try {
    model = await loadModel({ wasm, weights });
  } catch (e) {
    // An undamaged module that compiled must load: a typed load error there is a compiler bug.
    if (isTypedRuntimeError(e) && (job.corruptModule || e.code === 'OUT_OF_MEMORY')) return typedOutcome(`${prefix}load-error:${e.code}`, e);
    if (isTypedRuntimeError(e)) return finding('unloadable-module', e);
    return finding('untyped-runtime-error', e);
  }
  let feeds: Record<string, Tensor>;
  let first: Record<string, Tensor>;
  try {
    // Symbolic dims count at the value validFeeds gives them (a symbol is NaN to elementCount).
    if (model.inputs.reduce((s, i) => s + elementCount(runDims(i.dims)), 0) > RUN_INPUT_CAP) return { outcome: `${prefix}compiled-not-run:input-size` };
    feeds = validFeeds(model.inputs, rng);
    first = await model.run(feeds);
  } catch (e) {
    // Feeds built from model.inputs can only fail by trapping, by a value input (axes, k)
    // getting a value the model has no build for (value variants), or by a shape-like input
    // (a Reshape target, Expand's shape) whose random values give no valid shape or one too large
    // for memory: a RuntimeError naming the node that computes the dims (not a RuntimeInputError,
    // which would blame the feed's dims), unless the module was damaged.
    const valueShape = isTypedRuntimeError(e) && !('input' in e) && ['SHAPE_MISMATCH', 'SHAPE_OUT_OF_BOUNDS', 'OUT_OF_MEMORY'].includes(e.code);
    if (isTypedRuntimeError(e) && (job.corruptModule || e.code === 'EXECUTION_FAILED' || e.code === 'UNSUPPORTED_VALUE' || valueShape)) return typedOutcome(`${prefix}runtime-error:${e.code}`, e);
    if (isTypedRuntimeError(e)) return finding('rejected-valid-input', e);
    return finding('untyped-runtime-error', e);
  }
  const problem = outputProblem(model, first);
  if (problem) return finding('bad-output', new Error(problem));
  if (job.feedMode === 'valid' || job.corruptModule) return { outcome: `${prefix}ran-ok` };

  // Random ops differ from run to run: only a deterministic model can show that a rejected call
  // left no trace.
  let deterministic: boolean;
  try {
    deterministic = !random && sameOutputs(first, await model.run(feeds));
  } catch (e) {
    return finding('state-corrupted', e);
  }
  const bad = breakFeeds(feeds, rng);
  let rejection: RuntimeError;
  try {
    await model.run(bad.feeds as Record<string, Tensor>);
    return finding('accepted-bad-input', new Error(`run() accepted bad feeds: ${bad.what}`));
  } catch (e) {
    if (!isTypedRuntimeError(e)) return finding('untyped-runtime-error', e);
    rejection = e;
  }
  try {
    const again = await model.run(feeds);
    if (deterministic && !sameOutputs(first, again)) return finding('state-corrupted', new Error(`after rejecting bad feeds (${bad.what}) the same inputs give different outputs`));
  } catch (e) {
    return finding('state-corrupted', e);
  }
  return { outcome: `rejected-bad-input:${rejection.code}`, message: rejection.message };
}

function contains(bytes: Uint8Array, text: string): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(text, 0, 'latin1');
}

export async function runCase(job: CaseJob): Promise<CaseResult> {
  const build = (verify: boolean) => compile(job.modelFile, {
    inputShapes: job.compile.inputShapes,
    embedWeights: job.compile.embedWeights,
    optimize: job.compile.optimize,
    verify,
  });
  let compiled;
  try {
    compiled = await build(job.compile.verify);
  } catch (e) {
    if (!isTypedCompileError(e)) return finding('untyped-compile-error', e);
    if (job.strict && (e.code === 'VERIFY_FAILED' || e.code === 'CODEGEN_FAILED')) return finding('internal-error', e);
    if (e.code !== 'VERIFY_FAILED') return typedOutcome(`compile-error:${e.code}`, e);
    // The verifier stops a broken graph early; without it the same graph must still fail cleanly.
    try {
      await build(false);
    } catch (e2) {
      if (!isTypedCompileError(e2)) return finding('untyped-compile-error', e2);
    }
    return typedOutcome(`compile-error:${e.code}`, e);
  }
  if (job.mustFail) return finding('accepted-invalid-model', new Error(job.mustFail));
  if (job.secretMarker && (contains(compiled.weights, job.secretMarker) || contains(compiled.wasm, job.secretMarker))) {
    return finding('leaked-outside-file', new Error(`the compiled model holds the bytes of a file outside the model's folder ('${job.secretMarker}')`));
  }
  if (compiled.summary.memoryBytes > RUN_MEMORY_CAP) return { outcome: 'compiled-not-run:memory' };
  if (job.compileOnly) return { outcome: 'compiled-not-run:long-loop' };
  return runCompiled(job, compiled.wasm, compiled.weights, compiled.meta, compiled.graph.nodes.some((n) => RANDOM_OPS.test(n.op)));
}
