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
}

export interface ModelMeta {
  format: 1;
  inputs: TensorSlot[];
  outputs: TensorSlot[];
  weights: { offset: number; byteLength: number; embedded: boolean };
  memory: { pages: number; arenaBytes: number; scratchBytes: number };
}

export const META_SECTION = 'onnx2wasm';
