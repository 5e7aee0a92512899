export { loadModel } from './load-model.js';
export type { LoadOptions, Model, ModelInfo, TensorInfo } from './load-model.js';
export type { ThreadsInfo } from './threads.js';
export type { DType, Tensor, TensorData } from './tensor.js';
export { RuntimeError, RuntimeInputError } from './errors.js';
export type { RuntimeErrorCode, TrapReason } from './errors.js';
export { hostImports } from './host-imports.js';
export { relaxedSimdSupported } from './relaxed-simd.js';
export { publicDims } from './value-variants.js';
