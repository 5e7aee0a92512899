// NonZero, Unique and NonMaxSuppression: output shapes that depend on input values. They map to IR
// ops whose inference evaluates them, so they import only when their inputs are known at compile
// time (and then fold); otherwise inference fails with DYNAMIC_SHAPE naming the inputs.
import { direct, registerHandler } from '../handler-registry.js';

registerHandler('NonZero', 9, direct());
registerHandler('Unique', 11, direct());
registerHandler('NonMaxSuppression', 10, direct());
