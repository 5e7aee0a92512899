// The (De)QuantizeLinear attributes the integer passes depend on (from the ops' attribute record):
// quantization per tensor or per axis (not blocked), and a saturating QuantizeLinear.
import { Node, quantizeAttrs } from '@onnx2wasm/ir';

/** Per tensor or per axis, not blocked. */
export const unblocked = (n: Node): boolean => quantizeAttrs(n).blockSize === 0;
/** A QuantizeLinear that saturates (every integer target). */
export const saturating = (n: Node): boolean => quantizeAttrs(n).saturate;
