// Symbolic contents of shape tensors. Exporters compute Reshape/Expand targets at run time from
// Shape(x) through Gather, Concat, arithmetic and casts; when x's dims are symbolic, those values are
// still known as dim expressions. Inference reads them (InferContext.symbolic) so that a Reshape to
// Concat(Shape(x)[1], 4*Shape(x)[0], 64) gets the type [seq, 4*batch, 64], and fold-constants
// replaces such a chain by one `Dims` node.
import { opLabel } from './ops/function-label.js';
import { FLOAT_DTYPES, INT_DTYPES } from './dtype.js';
import { Dim, Graph, Node, ValueType } from './graph.js';
import { dimAdd, dimDiv, dimMul, dimProduct, dimSub } from './dim-expr.js';
import { compareDims, dimAbs, dimAtMost, dimMax, dimMin } from './dim-compare.js';
import { Tensor, toNumbers } from './tensor.js';
import { shapeRange } from './ops/shape.js';
import { dimsAttr } from './ops/dims.js';
import { gatherAttrs } from './ops/gather.js';
import { modAttrs } from './ops/binary.js';
import { reduceAttrs } from './ops/reduce-mean.js';
import { constantOfShapeAttrs } from './ops/constant-of-shape.js';
import { concatAttrs } from './ops/concat.js';

/** Longest shape value tracked: shape vectors are short, and this keeps the walk cheap. */
const MAX_LEN = 64;

/** The contents of a small integer constant, as dims. */
export function constantDims(t: Tensor): Dim[] | undefined {
  if (!INT_DTYPES.includes(t.dtype) && t.dtype !== 'bool') return undefined;
  if (t.dims.length > 1 || t.data.length > MAX_LEN) return undefined;
  return toNumbers(t);
}

/** Whether a value of this type can hold a tracked shape value. */
export function isShapeLike(t: ValueType | undefined): boolean {
  if (!t || t.shape.length > 1) return false;
  if (!INT_DTYPES.includes(t.dtype) && !FLOAT_DTYPES.includes(t.dtype) && t.dtype !== 'bool') return false;
  const n = t.shape[0] ?? 1;
  return typeof n === 'number' && n <= MAX_LEN;
}

/** The ops (and elementwise functions) shapeValueOf understands; the walk back through producers stops at any other op. */
const SHAPE_OPS = new Set([
  'Dims', 'Shape', 'Size', 'Identity', 'Unsqueeze', 'Squeeze', 'Cast', 'Reshape', 'Flatten', 'Gather', 'Slice', 'Concat', 'Expand',
  'Add', 'Sub', 'Mul', 'Div', 'Mod', 'Min', 'Max', 'Neg', 'Abs', 'Relu', 'Floor', 'Ceil', 'Round',
  'Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'Not', 'And', 'Or', 'Where', 'ReduceProd', 'ConstantOfShape',
]);

const num = (a: readonly Dim[]) => a.every((d) => typeof d === 'number');

/** Applies `f` element by element, broadcasting a one-element side. */
function zip(a: readonly Dim[], b: readonly Dim[], f: (x: Dim, y: Dim) => Dim | undefined): Dim[] | undefined {
  if (a.length !== b.length && a.length !== 1 && b.length !== 1) return undefined;
  if (a.length === 0 || b.length === 0) return []; // an empty vector broadcast against one element
  const out: Dim[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const r = f(a[a.length === 1 ? 0 : i]!, b[b.length === 1 ? 0 : i]!);
    if (r === undefined) return undefined;
    out.push(r);
  }
  return out;
}

/** A comparison of two dim expressions as 0/1, when the order is the same for every value of the symbols (dim-compare.ts). */
function compare(test: (order: -1 | 0 | 1) => boolean) {
  return (x: Dim, y: Dim): Dim | undefined => {
    if (x === y) return +test(0);
    const order = compareDims(x, y);
    if (order !== undefined) return +test(order);
    // Not strictly ordered, but one side may still bound the other (seq >= 0 >= -1).
    if (dimAtMost(x, y)) return test(-1) === test(0) ? +test(0) : undefined;
    if (dimAtMost(y, x)) return test(1) === test(0) ? +test(0) : undefined;
    return undefined;
  };
}

const COMPARISONS: Record<string, (order: -1 | 0 | 1) => boolean> = {
  Equal: (o) => o === 0, Less: (o) => o < 0, Greater: (o) => o > 0, LessOrEqual: (o) => o <= 0, GreaterOrEqual: (o) => o >= 0,
};

/** ONNX Mod on dims: numbers as the spec says (fmod=0: the divisor's sign); an expression only when the divisor divides it. */
function mod(x: Dim, y: Dim, fmod: boolean): Dim | undefined {
  if (typeof x === 'number' && typeof y === 'number') {
    if (y === 0) return undefined;
    const r = x % y;
    return !fmod && r !== 0 && (r < 0) !== (y < 0) ? r + y : r;
  }
  return dimDiv(x, y) !== undefined ? 0 : undefined;
}

const bit = (v: Dim): boolean | undefined => (typeof v === 'number' ? v !== 0 : undefined);
const unary = (a: readonly Dim[] | undefined, f: (x: Dim) => Dim | undefined) => a && zip(a, [0], (x) => f(x));

function divide(x: Dim, y: Dim, integer: boolean): Dim | undefined {
  if (typeof x === 'number' && typeof y === 'number') {
    if (y === 0) return undefined;
    return integer ? Math.trunc(x / y) : Number.isInteger(x / y) ? x / y : undefined;
  }
  return dimDiv(x, y);
}

function gather(data: readonly Dim[], idx: readonly Dim[]): Dim[] | undefined {
  const out: Dim[] = [];
  for (const i of idx) {
    if (typeof i !== 'number') return undefined;
    const d = data[i < 0 ? i + data.length : i];
    if (d === undefined) return undefined;
    out.push(d);
  }
  return out;
}

function slice(data: readonly Dim[], [s, e, ax, st]: (readonly Dim[] | undefined)[]): Dim[] | undefined {
  if (!s || !e || (ax && (ax.length !== 1 || (ax[0] !== 0 && ax[0] !== -1)))) return undefined;
  const step = st?.[0] ?? 1;
  if (s.length !== 1 || e.length !== 1 || typeof s[0] !== 'number' || typeof e[0] !== 'number' || typeof step !== 'number' || step === 0) return undefined;
  const n = data.length;
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
  const out: Dim[] = [];
  if (step > 0) for (let i = clamp(s[0], 0, n); i < clamp(e[0], 0, n); i += step) out.push(data[i]!);
  else for (let i = clamp(s[0], -1, n - 1); i > clamp(e[0], -1, n - 1); i += step) out.push(data[i]!);
  return out;
}

function where(c: readonly Dim[], x: readonly Dim[], y: readonly Dim[]): Dim[] | undefined {
  const n = Math.max(c.length, x.length, y.length);
  if ([c, x, y].some((v) => v.length !== 1 && v.length !== n)) return undefined;
  const at = (v: readonly Dim[], i: number) => v[v.length === 1 ? 0 : i]!;
  return Array.from({ length: n }, (_, i) => (at(c, i) ? at(x, i) : at(y, i)));
}

/**
 * The contents of `node`'s first output from its inputs' contents (undefined where unknown) and
 * types; undefined when the op is not shape arithmetic or the result is not expressible.
 */
export function shapeValueOf(node: Node, types: readonly (ValueType | undefined)[], vals: readonly (Dim[] | undefined)[], outType?: ValueType): Dim[] | undefined {
  const [a, b] = vals;
  const integer = !outType || INT_DTYPES.includes(outType.dtype);
  const kind = opLabel(node);
  switch (kind) {
    case 'Dims': return dimsAttr(node);
    case 'Shape': {
      const shape = types[0]?.shape;
      if (!shape) return undefined;
      const [s, e] = shapeRange(node, shape.length);
      return shape.slice(s, e);
    }
    case 'Size': return types[0] ? [dimProduct(types[0].shape)] : undefined;
    case 'Identity': case 'Unsqueeze': case 'Squeeze': case 'Reshape': case 'Flatten': return a && [...a];
    case 'Cast': return a && outType?.dtype !== 'bool' ? [...a] : undefined; // dims are integers: int and float casts keep them
    case 'Gather': return a && b && gatherAttrs(node).axis === 0 && types[0]?.shape.length === 1 ? gather(a, b) : undefined;
    case 'Slice': return a && types[0]?.shape.length === 1 ? slice(a, vals.slice(1)) : undefined;
    case 'Concat': return vals.every((v) => v) && types.every((t) => t?.shape.length === 1) ? vals.flatMap((v) => v!) : undefined;
    case 'Add': return a && b && zip(a, b, dimAdd);
    case 'Sub': return a && b && zip(a, b, dimSub);
    case 'Mul': return a && b && zip(a, b, dimMul);
    case 'Div': return a && b && zip(a, b, (x, y) => divide(x, y, integer));
    case 'Mod': return a && b && zip(a, b, (x, y) => mod(x, y, modAttrs(node).fmod));
    case 'Min': case 'Max': {
      if (!vals.length || vals.some((v) => !v)) return undefined;
      const pick = kind === 'Min' ? dimMin : dimMax;
      return vals.slice(1).reduce<Dim[] | undefined>((acc, v) => acc && zip(acc, v!, pick), [...vals[0]!]);
    }
    case 'Neg': return unary(a, (x) => dimMul(x, -1));
    case 'Abs': return unary(a, dimAbs);
    case 'Relu': return unary(a, (x) => dimMax(x, 0));
    // Shape values are integers (Div of floats only keeps exact quotients), so rounding keeps them.
    case 'Floor': case 'Ceil': case 'Round': return a && [...a];
    case 'Equal': case 'Less': case 'Greater': case 'LessOrEqual': case 'GreaterOrEqual': return a && b && zip(a, b, compare(COMPARISONS[kind]!));
    case 'Not': return unary(a, (x) => { const v = bit(x); return v === undefined ? undefined : +!v; });
    case 'And': case 'Or': return a && b && zip(a, b, (x, y) => {
      const [p, q] = [bit(x), bit(y)];
      if (p === undefined || q === undefined) return undefined;
      return +(kind === 'And' ? p && q : p || q);
    });
    case 'Expand': {
      // A one-element value broadcast to a short vector (torch's ones_like / full of a dim).
      const n = outType?.shape.length === 1 ? outType.shape[0] : outType?.shape.length === 0 ? 1 : undefined;
      return a && typeof n === 'number' && (a.length === 1 || a.length === n) ? Array.from({ length: n }, (_, i) => a[a.length === 1 ? 0 : i]!) : undefined;
    }
    case 'Where': return a && num(a) && b && vals[2] ? where(a, b, vals[2]) : undefined;
    case 'ReduceProd': {
      const { axes, noopWithEmptyAxes } = reduceAttrs(node);
      const all = axes.length > 0 || !noopWithEmptyAxes;
      return a && all && types[0]?.shape.length === 1 ? [dimProduct(a)] : undefined;
    }
    case 'ConstantOfShape': {
      const fill = constantDims(constantOfShapeAttrs(node).value)?.[0];
      return a && a.length === 1 && typeof a[0] === 'number' && fill !== undefined ? Array<Dim>(a[0]).fill(fill) : undefined;
    }
    default: return undefined;
  }
}

// ---- the inference driver's view: contents of a graph value, walking back through its producers ----

interface ProducerIndex { nodes: Node[]; indexed: number; at: Map<string, number> }
const indexes = new WeakMap<Graph, ProducerIndex>();

/** The node that defines `value`; the index follows nodes appended since the last call and is rebuilt when it goes stale. */
function producer(g: Graph, value: string): Node | undefined {
  let ix = indexes.get(g);
  if (!ix || ix.nodes !== g.nodes || ix.indexed > g.nodes.length) indexes.set(g, (ix = { nodes: g.nodes, indexed: 0, at: new Map() }));
  for (; ix.indexed < g.nodes.length; ix.indexed++) for (const o of g.nodes[ix.indexed]!.outputs) if (o) ix.at.set(o, ix.indexed);
  const k = ix.at.get(value);
  const n = k === undefined ? undefined : g.nodes[k];
  if (k !== undefined && n?.outputs.includes(value)) return n;
  // A pass replaced nodes in place: rebuild once.
  indexes.delete(g);
  ix = { nodes: g.nodes, indexed: 0, at: new Map() };
  indexes.set(g, ix);
  g.nodes.forEach((m, i) => m.outputs.forEach((o) => { if (o) ix!.at.set(o, i); }));
  ix.indexed = g.nodes.length;
  const j = ix.at.get(value);
  return j === undefined ? undefined : g.nodes[j];
}

/** The node whose Shape-op output `value` is, when `value` is a shape value such a node computes. */
function shapeProducer(g: Graph, value: string): Node | undefined {
  if (!isShapeLike(g.types.get(value))) return undefined;
  const n = producer(g, value);
  return n && n.outputs[0] === value && SHAPE_OPS.has(opLabel(n)) ? n : undefined;
}

/** Shape and Size only read their input's type; everything else needs its inputs' contents. */
const readsContents = (n: Node) => n.op !== 'Shape' && n.op !== 'Size';

/**
 * The symbolic contents of a graph value, or undefined when it is not a (small, integer-valued)
 * shape value. The walk over producers is iterative (an explicit stack), so a chain of 100,000
 * shape ops cannot overflow the call stack.
 */
export function symbolicValue(g: Graph, value: string, memo = new Map<string, Dim[] | undefined>()): Dim[] | undefined {
  if (memo.has(value)) return memo.get(value);
  const waiting = new Set<string>(); // values whose inputs are on the stack above them
  const stack = [value];
  while (stack.length) {
    const v = stack.pop()!;
    if (waiting.has(v)) {
      waiting.delete(v);
      const n = shapeProducer(g, v)!;
      const types = n.inputs.map((i) => (i ? g.types.get(i) : undefined));
      const vals = readsContents(n) ? n.inputs.map((i) => (i ? memo.get(i) : undefined)) : [];
      memo.set(v, shapeValueOf(n, types, vals, g.types.get(v)));
      continue;
    }
    if (memo.has(v)) continue;
    memo.set(v, undefined); // also guards against cycles in a broken graph
    const c = g.constants.get(v);
    if (c) { memo.set(v, constantDims(c)); continue; }
    const n = shapeProducer(g, v);
    if (!n) continue;
    waiting.add(v);
    stack.push(v);
    if (readsContents(n)) for (let k = n.inputs.length - 1; k >= 0; k--) if (n.inputs[k] && !memo.has(n.inputs[k]!)) stack.push(n.inputs[k]!);
  }
  return memo.get(value);
}

/** For InferContext.symbolic: contents of the node's non-constant inputs that are shape values. */
export function symbolicInputs(g: Graph, node: Node): (Dim[] | undefined)[] | undefined {
  const memo = new Map<string, Dim[] | undefined>();
  let any = false;
  const out = node.inputs.map((i) => {
    if (!i || g.constants.has(i) || !isShapeLike(g.types.get(i))) return undefined;
    const v = symbolicValue(g, i, memo);
    any ||= v !== undefined;
    return v;
  });
  return any ? out : undefined;
}

/**
 * The contents of a 1-D integer value entry by entry, where only some entries are known: a
 * Concat (axis 0) of known pieces and pieces decided at run time (a batch read from an input
 * tensor next to constant dims), the unknown entries undefined. Undefined when no entry is known.
 */
export function partialValue(g: Graph, value: string): (Dim | undefined)[] | undefined {
  const full = symbolicValue(g, value) ?? constantDimsOf(g, value);
  if (full) return full;
  const n = producer(g, value);
  if (!n || n.op !== 'Concat' || n.outputs[0] !== value || ![0, -1].includes(concatAttrs(n).axis)) return undefined;
  const out: (Dim | undefined)[] = [];
  for (const i of n.inputs) {
    const t = i ? g.types.get(i) : undefined;
    const len = t?.shape.length === 1 ? t.shape[0] : undefined;
    if (!i || typeof len !== 'number') return undefined;
    out.push(...(symbolicValue(g, i) ?? constantDimsOf(g, i) ?? new Array<undefined>(len).fill(undefined)));
  }
  return out.some((d) => d !== undefined) ? out : undefined;
}

function constantDimsOf(g: Graph, value: string): Dim[] | undefined {
  const c = g.constants.get(value);
  return c ? constantDims(c) : undefined;
}
