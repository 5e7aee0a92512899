// The (De)QuantizeLinear attributes the integer passes depend on, read in one place: quantization
// per tensor or per axis (not blocked), and a saturating QuantizeLinear. Import writes block_size
// always and saturate only when it is not 1 (issue #20: attribute defaults are to move to import).
import { Node } from '@onnx2wasm/ir';

/** Per tensor or per axis, not blocked. */
export const unblocked = (n: Node): boolean => (n.attrs.block_size ?? 0) === 0;
/** A QuantizeLinear that saturates (every integer target). */
export const saturating = (n: Node): boolean => (n.attrs.saturate ?? 1) === 1;
