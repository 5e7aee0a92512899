// Evaluates nodes whose inputs are all known at compile time with the ops' reference `evaluate`,
// and replaces Shape/Size of statically shaped values by constants: this folds the
// Shape → Gather → Concat → Reshape chains exporters write even for static models. On symbolic
// shapes the same chains become one `Dims` node (see shape-values.ts in the IR).
import { AttrValue, DTYPE_BYTES, Graph, INT_DTYPES, Node, OpDef, Tensor, cloneGraph, getOp, inferContext, isDimExpr, isNondeterministic, isStatic, makeTensor, shapeRange, symbolicValue, typeToString } from '@onnx2wasm/ir';
import { Pass } from '../pass.js';

function foldFromType(g: Graph, n: Node): Tensor[] | undefined {
  const t = n.inputs[0] ? g.types.get(n.inputs[0]) : undefined;
  if (!t || !isStatic(t.shape)) return undefined;
  if (n.op === 'Shape') {
    const [start, end] = shapeRange(n, t.shape.length);
    const dims = t.shape.slice(start, end);
    return [makeTensor('int64', [dims.length], dims)];
  }
  if (n.op === 'Size') return [makeTensor('int64', [], [t.shape.reduce((a, b) => a * b, 1)])];
  return undefined;
}

/**
 * A shape chain on symbolic shapes (Shape(x) → Gather → … → Concat) whose contents are known: a
 * constant when every entry is a number, else one `Dims` node holding the dim expressions.
 */
function foldShapeValue(g: Graph, n: Node): Tensor[] | Node | undefined {
  const o = n.outputs[0], t = o ? g.types.get(o) : undefined;
  if (!o || !t || n.outputs.length !== 1 || !INT_DTYPES.includes(t.dtype)) return undefined;
  const contents = symbolicValue(g, o);
  if (!contents) return undefined;
  if (contents.every((d) => typeof d === 'number')) return [makeTensor(t.dtype, t.shape as number[], contents as number[])];
  if (n.op === 'Dims' || t.dtype !== 'int64' || t.shape.length !== 1) return undefined; // a scalar stays computed: Dims is a vector
  if (contents.some((d) => typeof d === 'string' && !isDimExpr(d))) return undefined; // a legacy name ('?') is no expression
  return { name: n.name, op: 'Dims', inputs: [], outputs: [o], attrs: { dims: contents as AttrValue } }; // a mixed list: numbers and expressions
}

/** Below this many elements a widened copy costs the weights file less than the code that makes it. */
const WIDEN_AT_LOAD_ELEMENTS = 1024;

/**
 * Cast and DequantizeLinear of a big int8/float16 weight to a wider type are left to load time
 * (wasm-codegen's load-time.ts): folded, the weights file would hold the wide copy, 2-4x the bytes.
 */
function widensWeights(g: Graph, n: Node): boolean {
  if (n.op !== 'Cast' && n.op !== 'DequantizeLinear') return false;
  const x = n.inputs[0] ? g.types.get(n.inputs[0]) : undefined, y = n.outputs[0] ? g.types.get(n.outputs[0]) : undefined;
  if (!x || !y || !isStatic(y.shape)) return false;
  return DTYPE_BYTES[y.dtype] > DTYPE_BYTES[x.dtype] && y.shape.reduce((a, b) => a * b, 1) > WIDEN_AT_LOAD_ELEMENTS;
}

function refineTypes(g: Graph, n: Node, def: OpDef): boolean {
  const inferred = def.infer(inferContext(g, n));
  let refined = false;
  n.outputs.forEach((o, k) => {
    const t = inferred[k], rec = o ? g.types.get(o) : undefined;
    if (!o || !t || (rec && typeToString(rec) === typeToString(t))) return;
    g.types.set(o, t);
    refined = true;
  });
  return refined;
}

export const foldConstants: Pass = {
  name: 'fold-constants',
  description: 'evaluate nodes with constant inputs at compile time; fold Shape/Size of static shapes',
  run(input, ctx) {
    const g = cloneGraph(input);
    let changed = false;
    const kept: Node[] = [];
    for (const n of g.nodes) {
      const def = getOp(n.op);
      // Import-time inference gave symbolic dims to shapes computed from not-yet-folded values
      // (Reshape's shape, Slice's ends); with those inputs now constant, re-infer to make them static.
      if (def && refineTypes(g, n, def)) changed = true;
      let values = foldFromType(g, n);
      const shapeValue = values ? undefined : foldShapeValue(g, n);
      if (shapeValue && !Array.isArray(shapeValue)) { kept.push(shapeValue); changed = true; continue; }
      values ??= shapeValue;
      const allConst = n.inputs.every((i) => !i || g.constants.has(i));
      if (!values && def && allConst && !isNondeterministic(n) && n.op !== 'Dims' && !widensWeights(g, n)) {
        const outElems = n.outputs.map((o) => g.types.get(o)).reduce((s, t) => s + (t && isStatic(t.shape) ? t.shape.reduce((a, b) => a * b, 1) : Infinity), 0);
        if (outElems <= ctx.maxFoldElements) values = def.evaluate(n, n.inputs.map((i) => (i ? g.constants.get(i) : undefined)));
      }
      if (!values) { kept.push(n); continue; }
      n.outputs.forEach((o, k) => { if (o && values![k]) g.constants.set(o, values![k]!); });
      changed = true;
    }
    g.nodes = kept;
    return { graph: g, changed };
  },
};
