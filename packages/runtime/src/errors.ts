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

export class RuntimeError extends Error {
  readonly code: RuntimeErrorCode;
  constructor(code: RuntimeErrorCode, message: string) {
    super(message);
    this.name = 'RuntimeError';
    this.code = code;
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
