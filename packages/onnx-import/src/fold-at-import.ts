// Folds small nodes whose inputs are all known while importing, so that handlers further down see
// computed shape/axes chains (Shape → Range → ReduceMean axes, Shape → Concat → Reshape) as
// constants. Handlers decide the IR form from those values (static ranks, axes lists), which the
// optimizer's later fold-constants pass comes too late for.
import { Dim, Graph, INT_DTYPES, Node, Tensor, getOp, isShapeLike, isStatic, makeTensor, shapeValueOf, sizeOf, symbolicValue } from '@onnx2wasm/ir';

/** Only index-sized values: big constant subgraphs are left to the optimizer, under its size limit. */
const MAX_FOLD_ELEMENTS = 4096;

function shapeOf(g: Graph, n: Node): Tensor | undefined {
  const t = n.inputs[0] ? g.types.get(n.inputs[0]) : undefined;
  if (!t || !isStatic(t.shape) || g.constants.has(n.inputs[0]!)) return undefined;
  const rank = t.shape.length;
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
  if (n.op === 'Size') return makeTensor('int64', [], [t.shape.reduce((a, b) => a * b, 1)]);
  if (n.op !== 'Shape') return undefined;
  const start = clamp(typeof n.attrs.start === 'number' ? n.attrs.start : 0);
  const end = clamp(typeof n.attrs.end === 'number' ? n.attrs.end : rank);
  const dims = t.shape.slice(start, Math.max(start, end));
  return makeTensor('int64', [dims.length], dims);
}

/**
 * A shape value computed from symbolic shapes that only reads their static dims (the 768 of
 * Shape([seq, batch, 768])[2]), or compares dims whose order is known (seq == seq): a constant, so
 * handlers see it like a static model's.
 */
function staticShapeValue(g: Graph, n: Node): Tensor | undefined {
  const t = n.outputs.length === 1 && n.outputs[0] ? g.types.get(n.outputs[0]) : undefined;
  // bool too: a comparison of dims (Equal(Shape(q)[-2], Shape(k)[-2]), an If's condition) folds.
  if (!t || !(INT_DTYPES.includes(t.dtype) || t.dtype === 'bool') || !isShapeLike(t) || !isStatic(t.shape)) return undefined;
  const memo = new Map<string, Dim[] | undefined>();
  const vals = n.inputs.map((i) => (i ? symbolicValue(g, i, memo) : undefined));
  const contents = shapeValueOf(n, n.inputs.map((i) => (i ? g.types.get(i) : undefined)), vals, t);
  if (!contents || contents.length !== sizeOf(t.shape) || contents.some((d) => typeof d !== 'number')) return undefined;
  return makeTensor(t.dtype, t.shape, contents as number[]);
}

/** The node's output values when they can be computed now, else undefined (the node is emitted). */
export function foldAtImport(g: Graph, n: Node): Tensor[] | undefined {
  const fromShape = shapeOf(g, n) ?? staticShapeValue(g, n);
  if (fromShape) return [fromShape];
  const def = getOp(n.op);
  if (!def || n.attrs.nondeterministic === true || n.inputs.length === 0) return undefined;
  // The optimizer reads the integer bias and weights of a quantized op through its DequantizeLinear
  // (lower-qdq); it folds what stays, after that.
  if (n.op === 'DequantizeLinear') return undefined;
  if (!n.inputs.every((i) => !i || g.constants.has(i))) return undefined;
  let elems = 0;
  for (const o of n.outputs) {
    const t = o ? g.types.get(o) : undefined;
    if (!t || !isStatic(t.shape)) return undefined;
    elems += t.shape.reduce((a, b) => a * b, 1);
  }
  if (elems > MAX_FOLD_ELEMENTS) return undefined;
  try {
    return def.evaluate(n, n.inputs.map((i) => (i ? g.constants.get(i) : undefined)));
  } catch {
    // Folding is only an early optimization: a value evaluate cannot make (a dtype without an
    // array type) stays a node, and the later stages report it with a typed error.
    return undefined;
  }
}
