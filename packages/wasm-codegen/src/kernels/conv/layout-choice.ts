// The optimizer's layout pass asks the code generator which convs and pools stay NCHW
// (PassContext.keepsNchw): windows larger than the NHWC window loop takes. Winograd convs no longer
// stay: conv-nhwc-winograd.ts runs the same 3x3 convs channels-last at least as fast.
import { Graph, Node, convAttrs, poolAttrs } from '@onnx2wasm/ir';
import { MAX_NHWC_TAPS } from '../emit/window-nhwc.js';

export function keepsNchw(node: Node, g: Graph): 'faster' | 'only' | false {
  // The global pools have no window of their own.
  const w = node.op === 'Conv' ? g.types.get(node.inputs[1]!)?.shape.slice(2) : node.op === 'MaxPool' || node.op === 'AveragePool' ? poolAttrs(node).kernelShape : undefined;
  const taps = (w ?? []).reduce<number>((a, d) => a * (typeof d === 'number' ? d : Infinity), 1);
  const windowed = node.op !== 'Conv' || convAttrs(node).group !== 1;
  return windowed && taps > MAX_NHWC_TAPS ? 'only' : false;
}
