// Attributes that an opset turned into inputs. A node that still carries one at a newer opset is
// invalid (onnxruntime refuses it as an unrecognized attribute); handlers read only the input, so
// accepting the node would silently drop the attribute: ReduceSum with an `axes` attribute at
// opset 13 would sum over every axis. Only default-domain ops; a stray attribute that changes
// nothing is left alone.
import { OnnxImportError } from './errors.js';
import type { OnnxNode } from './handler-registry.js';

const REDUCE_18 = ['ReduceMax', 'ReduceMin', 'ReduceMean', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare'];

/** op → [attribute names, the opset from which they are inputs]. */
const MOVED: Record<string, [string[], number]> = {
  Reshape: [['shape'], 5],
  Upsample: [['scales'], 9],
  Slice: [['starts', 'ends', 'axes'], 10],
  TopK: [['k'], 10],
  Pad: [['pads', 'value'], 11],
  Clip: [['min', 'max'], 11],
  Dropout: [['ratio'], 12],
  ReduceSum: [['axes'], 13],
  Squeeze: [['axes'], 13],
  Unsqueeze: [['axes'], 13],
  Split: [['split'], 13],
  ...Object.fromEntries(REDUCE_18.map((op) => [op, [['axes'], 18]])),
};

/** Throws INVALID_MODEL for an attribute that `node`'s opset takes as an input instead. */
export function checkMovedAttributes(node: OnnxNode, opset: number): void {
  if (node.domain !== '' && node.domain !== 'ai.onnx') return;
  const moved = MOVED[node.opType];
  if (!moved || opset < moved[1]) return;
  const stray = moved[0].filter((a) => a in node.attrs);
  if (!stray.length) return;
  throw new OnnxImportError('INVALID_MODEL',
    `${node.opType} node '${node.name}': attribute${stray.length > 1 ? 's' : ''} ${stray.map((a) => `'${a}'`).join(', ')} became ${stray.length > 1 ? 'inputs' : 'an input'} at opset ${moved[1]}, and this model imports opset ${opset}; pass ${stray.length > 1 ? 'them as inputs' : 'it as an input'} (or import an older opset)`,
    { node: node.name, op: node.opType });
}
