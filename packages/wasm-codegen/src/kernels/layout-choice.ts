// The optimizer's layout pass asks the code generator which convs and pools stay NCHW
// (PassContext.keepsNchw): Winograd convs, because Winograd has no channels-last form and beats the
// NHWC im2col GEMM (272% against ~100% of the mul+add peak, npm run bench:kernels), and windows
// larger than the NHWC window loop takes.
import { Graph, Node, attrInts } from '@onnx2wasm/ir';
import { takesWinograd } from './conv.js';
import { MAX_NHWC_TAPS } from './window-nhwc.js';

export function keepsNchw(node: Node, g: Graph): 'faster' | 'only' | false {
  const w = node.op === 'Conv' ? g.types.get(node.inputs[1]!)?.shape.slice(2) : node.attrs.kernel_shape ? attrInts(node, 'kernel_shape') : undefined;
  const taps = (w ?? []).reduce<number>((a, d) => a * (typeof d === 'number' ? d : Infinity), 1);
  const windowed = node.op !== 'Conv' || Number(node.attrs.group ?? 1) !== 1;
  if (windowed && taps > MAX_NHWC_TAPS) return 'only';
  return node.op === 'Conv' && takesWinograd(node, g) ? 'faster' : false;
}
