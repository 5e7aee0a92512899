export * from './pass.js';
export * from './pipeline.js';
export { foldConstants } from './passes/fold-constants.js';
export { eliminateDeadCode } from './passes/eliminate-dead-code.js';
export { eliminateNoops } from './passes/eliminate-noops.js';
export * from './rewrite.js';
export { fuseEpilogue, FUSABLE } from './passes/fuse-epilogue.js';
export { foldBatchNorm } from './passes/fold-batchnorm.js';
export { fuseElementwise, FUSABLE_ELEMENTWISE, FUSABLE_EXPONENTS } from './passes/fuse-elementwise.js';
