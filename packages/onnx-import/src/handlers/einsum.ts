// Einsum (opset 12): the IR op of the same name, equation unchanged.
import { direct, registerHandler } from '../handler-registry.js';

registerHandler('Einsum', 12, direct());
