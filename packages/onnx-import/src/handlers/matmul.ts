// MatMul has the same numpy semantics in every opset (1, 9, 13): the IR op of the same name.
import { direct, registerHandler } from '../handler-registry.js';

registerHandler('MatMul', 1, direct());
