// How the CLI turns a failure into one line and an exit code. Users see `error: <message>`; a stack
// trace only with --debug, because a stack means nothing to someone whose model has a bad node.
import { CommanderError } from 'commander';
import { CompileError } from '@onnx2wasm/ir';
import { relaxedSimdSupported } from '@onnx2wasm/runtime';

export const EXIT_OK = 0;
/** The model failed to compile or run, a file could not be read, or `check` found a mismatch. */
export const EXIT_FAILURE = 1;
/** The command line itself is wrong. */
export const EXIT_USAGE = 2;

/** A well-formed command line that still cannot work, e.g. `--input foo=zeros` for a model without input 'foo'. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure the user can act on, whose message is already the whole story. */
export class CliFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliFailure';
  }
}

// `run` loads the runtime copied next to the model, whose error classes are not the ones we import,
// so runtime errors are recognised by name and code rather than by instanceof; so are the errors
// of the server package (RepositoryError), which the compiler may not import.
const RUNTIME_ERROR_NAMES = new Set(['RuntimeError', 'RuntimeInputError', 'RepositoryError']);

function isRuntimeError(e: unknown): e is Error & { code: string } {
  return e instanceof Error && RUNTIME_ERROR_NAMES.has(e.name) && typeof (e as { code?: unknown }).code === 'string';
}

/**
 * V8 refuses relaxed-SIMD opcodes unless a flag is set (Node 20), and its own message names the wrong
 * flag. So a module the engine could not compile (the runtime's error carries the engine's
 * CompileError as its cause), on an engine that lacks relaxed SIMD, gets the right advice appended.
 */
export function addRelaxedSimdHint(e: unknown): unknown {
  if (isRuntimeError(e) && e.code === 'INVALID_MODULE' && e.cause instanceof WebAssembly.CompileError && !relaxedSimdSupported()) {
    return new CliFailure(`${e.message}; if this module uses relaxed SIMD (--relaxed-simd): this engine does not run it, and Node 20 runs it only with node --experimental-wasm-relaxed-simd`);
  }
  return e;
}

/**
 * compile() names its options as the API spells them (inputShapes['x']); on the command line the
 * user wrote a flag, so the message names the flag, and the error is a usage error (exit 2): the
 * value given on the command line cannot work for this model.
 */
const API_OPTION_FLAGS: [RegExp, string][] = [
  [/\binputShapes\['([^']*)'\]/g, '--input-shape $1=...'],
  [/\bmaxShapes\['([^']*)'\]/g, '--max-shape $1=...'],
  [/\bspecialize\['([^']*)'\]/g, '--specialize $1=...'],
  [/\bmaxShapes\b/g, '--max-shape'],
  [/\binputShapes\b/g, '--input-shape'],
  [/\bspecialize(?=:| asks)/g, '--specialize'],
  [/\bmaxMemoryBytes\b/g, '--max-memory'],
  [/\bmaxScriptBytes\b/g, '--max-script-size'],
];

/** The message with API option names replaced by flags, or undefined when it names none. */
export function withFlagNames(message: string): string | undefined {
  let out = message;
  for (const [re, flag] of API_OPTION_FLAGS) out = out.replace(re, flag);
  return out === message ? undefined : out;
}

/** Prints the error (commander has already printed its own) and returns the exit code. */
export function reportError(e: unknown, debug: boolean, writeErr: (s: string) => void): number {
  if (e instanceof CommanderError) {
    // Help and --version arrive here as "errors" with exit code 0; everything else is bad usage.
    return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  const code = e instanceof CompileError || isRuntimeError(e) ? ` [${e.code}]` : '';
  if (debug && e instanceof Error && e.stack) writeErr(`${e.stack}${code}\n`);
  if (e instanceof UsageError) {
    writeErr(`error: ${e.message}\n`);
    return EXIT_USAGE;
  }
  if (e instanceof CompileError) {
    const flagged = withFlagNames(e.message);
    writeErr(`error: ${flagged ?? e.message}\n`);
    return e.code === 'INVALID_OPTION' || flagged !== undefined ? EXIT_USAGE : EXIT_FAILURE;
  }
  if (isRuntimeError(e) || e instanceof CliFailure) {
    writeErr(`error: ${e.message}\n`);
    return EXIT_FAILURE;
  }
  const message = e instanceof Error ? e.message : String(e);
  writeErr(`error: internal error: ${message}${debug ? '' : ' (rerun with --debug for the stack trace)'}\n`);
  return EXIT_FAILURE;
}
