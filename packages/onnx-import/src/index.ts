export * from './errors.js';
export * from './import-model.js';
export * from './handler-registry.js';
export * from './tensor-proto.js';
export * from './declared-shapes.js';
export type { RunTimeIf } from './run-time-branches.js';
export { DEFAULT_LIMITS } from './import-budget.js';
export type { ImportLimits } from './import-budget.js';
export { attrValue } from './attribute-value.js';
