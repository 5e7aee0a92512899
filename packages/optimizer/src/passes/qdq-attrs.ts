// The (De)QuantizeLinear attributes the integer passes depend on, read in one place: quantization
// per tensor or per axis (not blocked), and a saturating QuantizeLinear. Import writes both.
import { Node, attrInt } from '@onnx2wasm/ir';

/** Per tensor or per axis, not blocked. */
export const unblocked = (n: Node): boolean => attrInt(n, 'block_size') === 0;
/** A QuantizeLinear that saturates (every integer target). */
export const saturating = (n: Node): boolean => attrInt(n, 'saturate') === 1;
