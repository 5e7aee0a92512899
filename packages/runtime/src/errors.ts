/** Stable codes for run-time failures, so callers can branch without parsing messages. */
export type RuntimeErrorCode =
  | 'INVALID_MODULE'   // the .wasm is not an onnx2wasm module, or its metadata is damaged
  | 'WEIGHTS_MISMATCH' // weights missing, or of the wrong size for this module
  | 'MISSING_INPUT'
  | 'UNKNOWN_INPUT'
  | 'DTYPE_MISMATCH'
  | 'SHAPE_MISMATCH'
  | 'SHAPE_OUT_OF_BOUNDS' // a symbolic dim above the bound the model was compiled with (--max-shape)
  | 'INVALID_INPUT'    // data of the wrong type or length, a detached buffer
  | 'UNSUPPORTED_VALUE' // a value input (axes, k …) fed a value the model was not compiled for
  | 'EXECUTION_FAILED' // the module trapped
  | 'OUT_OF_MEMORY';   // the engine cannot allocate the module's memory

/**
 * Why an EXECUTION_FAILED run stopped: a kernel's check on the run's values failed (bad input data,
 * e.g. an index out of range), or the engine trapped for another reason (a bug to report).
 */
export type TrapReason = 'FAILED_CHECK' | 'ENGINE_TRAP';

export class RuntimeError extends Error {
  readonly code: RuntimeErrorCode;
  /** Set on EXECUTION_FAILED. */
  readonly reason?: TrapReason;
  /** `cause`: the engine's own error, when one is behind this one (a WebAssembly.CompileError or RuntimeError). */
  constructor(code: RuntimeErrorCode, message: string, options?: { cause?: unknown; reason?: TrapReason }) {
    super(message, options);
    this.name = 'RuntimeError';
    this.code = code;
    if (options?.reason) this.reason = options.reason;
  }
}

/** A tensor passed to `run` does not match what the model expects; names the input, expected and got. */
export class RuntimeInputError extends RuntimeError {
  readonly input: string;
  constructor(code: RuntimeErrorCode, input: string, message: string) {
    super(code, message);
    this.name = 'RuntimeInputError';
    this.input = input;
  }
}
