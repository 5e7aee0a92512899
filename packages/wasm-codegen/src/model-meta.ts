/**
 * What the runtime needs to drive a module, stored in the module's `onnx2wasm` custom section
 * (readable with WebAssembly.Module.customSections even from a precompiled Module).
 * The runtime has its own copy of this shape: it must not import this package.
 */
export interface TensorSlot {
  name: string;
  dtype: string;
  dims: (number | string)[];
  /** Byte address of the tensor in linear memory. */
  offset: number;
  byteLength: number;
  /** For a tensor with run-time dims: its dynamic buffer (offset/byteLength are then 0) … */
  buffer?: number;
  /** … and its dims as polynomials over the symbols: terms [coef, ...symbols]. */
  shape?: [number, ...string[]][][];
}

/** Present when input dims are symbolic: the runtime binds them and places the run-time buffers. */
export interface DynamicMeta {
  /** Symbol names; their i32 values go to table + 4*index. */
  symbols: string[];
  /** Address of the i32 table: symbol values, then the byte address of each buffer. */
  table: number;
  /** Run-time buffers go at or after this address (memory grows as needed). */
  base: number;
  /** Each buffer's size in bytes (polynomial terms) and the node indices it is live over (-1 … nodes). */
  buffers: { name: string; bytes: [number, ...string[]][]; first: number; last: number }[];
  /** Compile-time bounds (--max-shape): a run past one fails with a typed error. */
  maxDims?: Record<string, number>;
  /**
   * Value-dependent dims (listed last in `symbols`): the named node's kernel writes each value into
   * the table during the run. The runtime sizes buffers with each at its `bound` (a polynomial over
   * the symbols before it) and reads the values back after the run for the outputs' dims.
   */
  computed?: { symbol: string; bound?: [number, ...string[]][]; node: string; op: string }[];
}

export interface ModelMeta {
  format: 1;
  inputs: TensorSlot[];
  outputs: TensorSlot[];
  /** sha256: hex SHA-256 of the separate weights file, checked by loadModel (absent when embedded). */
  weights: { offset: number; byteLength: number; embedded: boolean; sha256?: string };
  memory: { pages: number; arenaBytes: number; scratchBytes: number };
  dynamic?: DynamicMeta;
  /** Specialized copies (--specialize): the runtime runs the first whose `when` matches the run's dims. */
  variants?: VariantMeta[];
  /** Value variants: the input values this build runs for (see VariantMeta.whenValues). */
  whenValues?: ValueCondition;
  /**
   * Threaded builds (docs/threads.md): heavy nodes are cut into up to `parts` parts; the memory is
   * imported shared (env.memory, `maxPages`); `worker()` is each worker thread's entry, and it
   * returns once the i32 at `quit` is non-zero and the one at `gen` has been notified. A worker
   * whose part traps sets `failed` and makes `done` large, so the caller's run() traps too.
   */
  threads?: { parts: number; maxPages: number; gen: number; quit: number; done: number; failed: number };
}

/**
 * Value variants: the input values a build was compiled for, per input a list of its values (its
 * elements in order), e.g. { axes: [[2], [-1]] }. With several inputs the lists are parallel: entry
 * i of every list together is one accepted combination. A run runs the build that accepts its feeds.
 */
export type ValueCondition = Record<string, number[][]>;

export interface VariantMeta {
  when: Record<string, number>;
  whenValues?: ValueCondition;
  /** The exported function that runs this variant. */
  run: string;
  inputs: TensorSlot[];
  outputs: TensorSlot[];
  dynamic?: DynamicMeta;
}

export const META_SECTION = 'onnx2wasm';
