// Removes nodes that do not change their input: Identity, inference-mode Dropout, and Reshape /
// Flatten / Squeeze / Unsqueeze / Expand / Cast / Transpose whose output equals the input.
// Readers are pointed at the input instead. A node whose output is a graph output stays, since
// removing it would rename the model's interface. A Transpose that only moves dims of size 1
// (exporters' [1, S, D] ↔ [S, 1, D]) keeps the element order: it becomes a Reshape, a view
// instead of a copy.
import { AttrValue, Node, ValueType, transposeAttrs } from '@onnx2wasm/ir';
import { GraphView, Rule, rewritePass } from '../rewrite.js';

const SHAPE_ONLY = new Set(['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Expand']);

function sameType(a: ValueType, b: ValueType): boolean {
  return a.dtype === b.dtype && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
}

function isNoop(n: Node, view: GraphView): boolean {
  const x = n.inputs[0], y = n.outputs[0];
  if (!x || !y || n.outputs.filter(Boolean).length !== 1) return false;
  const tx = view.type(x), ty = view.type(y);
  if (!sameType(tx, ty)) return false;
  if (n.op === 'Identity' || n.op === 'Dropout') return true;
  if (SHAPE_ONLY.has(n.op) || n.op === 'Cast') return true;
  if (n.op === 'Transpose') return transposeAttrs(n).perm.every((p, i) => p === i);
  return false;
}

const removeNoop: Rule = {
  name: 'remove-noop',
  apply(n, view) {
    if (!isNoop(n, view) || view.isGraphOutput(n.outputs[0]!)) return undefined;
    return { remove: [n], rename: [[n.outputs[0]!, n.inputs[0]!]] };
  },
};

/** Whether `perm` keeps the order of the input dims that are not 1 (symbolic dims count as not 1). */
function movesOnlyUnitDims(perm: number[], shape: ValueType['shape']): boolean {
  const moved = perm.filter((p) => shape[p] !== 1);
  return moved.every((p, i) => i === 0 || moved[i - 1]! < p);
}

const transposeAsReshape: Rule = {
  name: 'transpose-as-reshape',
  apply(n, view) {
    if (n.op !== 'Transpose') return undefined;
    const { perm } = transposeAttrs(n);
    const x = n.inputs[0], y = n.outputs[0];
    if (!x || !y || perm.every((p, i) => p === i)) return undefined;
    if (!movesOnlyUnitDims(perm, view.type(x).shape)) return undefined;
    const shape = view.fresh(`${y}/shape`);
    const insert: Node[] = [
      { name: `${n.name}/shape`, op: 'Dims', inputs: [], outputs: [shape], attrs: { dims: [...view.type(y).shape] as AttrValue } }, // numbers and expressions
      { name: n.name, op: 'Reshape', inputs: [x, shape], outputs: [y], attrs: { allowzero: 0 } },
    ];
    return { remove: [n], insert };
  },
};

export const eliminateNoops = rewritePass(
  'eliminate-noops',
  'remove Identity, inference Dropout, and Reshape/Cast/Transpose/Expand that change nothing; a Transpose that only moves size-1 dims becomes a Reshape',
  [removeNoop, transposeAsReshape],
);
