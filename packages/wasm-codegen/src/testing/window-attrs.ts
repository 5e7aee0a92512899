// Test support: the IR's window ops (Conv, the pools, their channels-last and quantized forms)
// carry every geometry attribute explicitly; the ONNX importer writes them for real models. Tests
// that build such a node by hand name only what they vary; this writes the rest (unit strides and
// dilations, zero pads, one group, kernel_shape from the weights), so no layer has to default them.
import { Attrs, Dim } from '@onnx2wasm/ir';

const CONVS = new Set(['Conv', 'NhwcConv', 'QLinearConv']);
const POOLS = new Set(['MaxPool', 'AveragePool', 'NhwcMaxPool', 'NhwcAveragePool']);

/** Whether `op` is a window op whose geometry `completeWindowAttrs` writes. */
export const isWindowOp = (op: string): boolean => CONVS.has(op) || POOLS.has(op);

/**
 * `attrs` of a window node with every geometry attribute written: `x` is the data input's shape
 * (NC... or NHWC), `w` the weights' shape (NCHW order) for the convs.
 */
export function completeWindowAttrs(op: string, attrs: Attrs, x: Dim[], w?: Dim[], outputs = 1): Attrs {
  if (!isWindowOp(op)) return attrs;
  const rank = x.length - 2;
  const kernel = CONVS.has(op) && w ? w.slice(2) : undefined;
  const geometry: Attrs = {
    ...(kernel && kernel.every((d) => typeof d === 'number') ? { kernel_shape: kernel as number[] } : {}),
    strides: new Array(rank).fill(1),
    pads: new Array(2 * rank).fill(0),
    dilations: new Array(rank).fill(1),
    ...(CONVS.has(op) ? { group: 1 } : { ceil_mode: 0 }),
    ...(op.endsWith('AveragePool') ? { count_include_pad: 0 } : {}),
    ...(op === 'MaxPool' && outputs > 1 ? { storage_order: 0 } : {}),
  };
  return { ...geometry, ...attrs };
}
