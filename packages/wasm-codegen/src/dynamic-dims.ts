// Run-time dims: a model whose inputs have symbolic dims ('batch', 'seq') reads their values from
// a table in linear memory that the runtime fills before each run, next to the addresses of the
// buffers whose size depends on them (planned by the runtime for the dims it sees).
//
//   table + 4*s           i32 value of symbol s
//   table + 4*(S + k)     i32 byte address of dynamic buffer k
import { DTYPE_BYTES, Dim, Graph, Node, dimMul, dimProduct, dimSymbols, dimTerms, isStatic, opLabel, typeToString } from '@onnx2wasm/ir';
import { CodegenError } from './errors.js';
import { ComputedDim, LowerContext, Operand, StaticOperand, getLowering } from './lowering.js';
import { Expr, FnBuilder, I32, Local } from './wasm-builder.js';

/** A polynomial dim as JSON for the runtime: terms [coef, ...symbols]. */
export type PolyJson = [number, ...string[]][];
export const polyJson = (d: Dim): PolyJson => dimTerms(d).map((t) => [t.coef, ...t.symbols] as [number, ...string[]]);

/** The symbols a run can bind: dims of graph inputs that are a bare symbol. */
export function modelSymbols(g: Graph): string[] {
  const out = new Set<string>();
  for (const i of g.inputs) {
    for (const d of g.types.get(i)?.shape ?? []) {
      if (typeof d === 'string' && dimTerms(d).length === 1 && dimTerms(d)[0]!.coef === 1 && dimTerms(d)[0]!.symbols.length === 1) out.add(d);
    }
  }
  return [...out].sort();
}

/** The value-dependent dims the graph's kernels compute (NonZero's count), in node order. */
export function computedDims(g: Graph): (ComputedDim & { node: string; op: string })[] {
  const out: (ComputedDim & { node: string; op: string })[] = [];
  const typeOf = (v: string) => ({ dtype: g.types.get(v)!.dtype, shape: g.types.get(v)!.shape });
  for (const n of g.nodes) {
    const l = getLowering(n.op);
    if (!l?.computedDims) continue;
    for (const c of l.computedDims(n, n.inputs.map((i) => (i ? typeOf(i) : undefined)), n.outputs.map(typeOf))) {
      if (out.some((o) => o.symbol === c.symbol)) throw new CodegenError(`${opLabel(n)} node '${n.name}': its run-time dim '${c.symbol}' is also computed by node '${out.find((o) => o.symbol === c.symbol)!.node}' (rename one of the nodes)`, { node: n.name, op: opLabel(n) }, 'DYNAMIC_SHAPE');
      out.push({ ...c, node: n.name, op: opLabel(n) });
    }
  }
  return out;
}

/** The value-dependent dims node `n` computes itself (its lowering's `computedDims`). */
export function ownComputedSymbols(g: Graph, n: Node): Set<string> {
  const l = getLowering(n.op);
  if (!l?.computedDims) return new Set();
  const typeOf = (v: string) => ({ dtype: g.types.get(v)!.dtype, shape: g.types.get(v)!.shape });
  return new Set(l.computedDims(n, n.inputs.map((i) => (i ? typeOf(i) : undefined)), n.outputs.map(typeOf)).map((c) => c.symbol));
}

/**
 * Run-time buffers are sized with each computed dim at its bound, which is the most memory only
 * when the size grows with the dim: a term with a computed symbol and a negative coefficient
 * (`8 - count`) would make the buffer too small for smaller counts, so it is refused.
 */
export function checkGrowsWithComputed(name: string, bytes: Dim, computed: Set<string>, where: Node | undefined): void {
  const bad = dimTerms(bytes).find((t) => t.coef < 0 && t.symbols.some((x) => computed.has(x)));
  if (!bad) return;
  const at = where ? `${opLabel(where)} node '${where.name}': ` : '';
  throw new CodegenError(`${at}buffer '${name}' has ${bytes} bytes, which shrinks as the run-time dim${bad.symbols.length > 1 ? 's' : ''} ${bad.symbols.join(', ')} grow${bad.symbols.length > 1 ? '' : 's'}; memory for it cannot be planned at the bound`, where ? { node: where.name, op: where.op } : undefined, 'DYNAMIC_SHAPE');
}

/** Fails, naming the node, when a value's shape uses a symbol no input dim binds (a value-dependent shape). */
export function checkBound(g: Graph, n: Node, v: string, bound: Set<string>): void {
  const t = g.types.get(v);
  if (!t || isStatic(t.shape)) return;
  const unbound = t.shape.flatMap((d) => dimSymbols(d)).filter((s) => !bound.has(s));
  if (!unbound.length) return;
  const hint = n.outputs.includes(v) ? valueHint(g, n) : undefined;
  const fallback = `'${[...new Set(unbound)].join("', '")}' depends on tensor values, not on input dims; pin the input shapes (inputShapes / --input-shape) or the values (constantInputs / --constant)`;
  throw new CodegenError(`${opLabel(n)} node '${n.name}': value '${v}' has shape ${typeToString(t)}; ${hint ?? fallback}`, { node: n.name, op: opLabel(n) }, 'DYNAMIC_SHAPE');
}

/** The inputs whose values decide an op's output shape (Reshape's shape, Resize's scales, …). */
const SHAPE_INPUTS: Record<string, number[]> = {
  Reshape: [1], Expand: [1], Tile: [1], ConstantOfShape: [0], Range: [0, 1, 2], Slice: [1, 2, 3, 4], Pad: [1, 2, 3],
  Resize: [1, 2, 3], Split: [1], Unsqueeze: [1], Squeeze: [1], OneHot: [1],
};

/**
 * Names the values a shape depends on and the graph inputs they come from, so the message says
 * which input to pin with constantInputs / --constant, for ops that do not compute their
 * value-dependent dims at run time (see computedDims).
 */
function valueHint(g: Graph, n: Node): string | undefined {
  const slots = SHAPE_INPUTS[n.op];
  const shapeInputs = (slots ?? n.inputs.map((_, i) => i)).filter((i) => n.inputs[i] && !g.constants.has(n.inputs[i]!));
  // Graph inputs upstream of those values (through the nodes that compute them).
  const producer = new Map(g.nodes.flatMap((m) => m.outputs.map((o) => [o, m] as const)));
  const sources = new Set<string>();
  const seen = new Set<string>();
  const walk = (x: string): void => {
    if (!x || seen.has(x) || g.constants.has(x)) return;
    seen.add(x);
    if (g.inputs.includes(x)) { sources.add(x); return; }
    for (const i of producer.get(x)?.inputs ?? []) walk(i);
  };
  const values = shapeInputs.map((i) => n.inputs[i]!);
  values.forEach(walk);
  // Without a table entry, only static-shaped graph inputs read directly are likely values (OneHot's depth).
  const named = slots ? values : values.filter((x) => g.inputs.includes(x) && isStatic(g.types.get(x)!.shape));
  if (!named.length) return undefined;
  const from = [...sources].filter((x) => isStatic(g.types.get(x)!.shape));
  const where = from.length ? `, which come from graph input${from.length > 1 ? 's' : ''} ${from.map((x) => `'${x}'`).join(', ')}` : '';
  const pin = from.length
    ? `${from.map((x) => `'${x}'`).join(', ')} must be known at compile time: pin ${from.length > 1 ? 'them' : 'it'} (constantInputs / --constant ${from.map((x) => `${x}=…`).join(' --constant ')})`
    : 'the values must be known at compile time: pin them (constantInputs / --constant)';
  return `its shape depends on the values of ${named.map((x) => `'${x}' (input ${n.inputs.indexOf(x)})`).join(', ')}${where}; value-dependent shapes are computed at run time for NonZero, Compress, Unique, NonMaxSuppression, TopK's k, Split's sizes and the shape inputs of Reshape, Expand, Tile, Slice, Pad, ConstantOfShape, Range, OneHot, Unsqueeze and nearest Resize, not for this op, so ${pin}`;
}

/** The run-time buffer name of a dynamic kernel's scratch (not a value name: values never contain a space). */
export const scratchName = (n: Node) => `scratch of ${n.name}`;

export const valueBytes = (g: Graph, v: string): Dim => {
  const t = g.types.get(v)!;
  return dimMul(dimProduct(t.shape), DTYPE_BYTES[t.dtype]);
};

export interface DynamicTable {
  symbols: string[];
  /** Address of the table. */
  address: number;
  /** Dynamic buffer index of each root value. */
  bufferIndex: Map<string, number>;
}

/**
 * The context a node with run-time dims lowers in, and the prologue that loads the dims and
 * addresses it asked for into locals (each loaded once per node function).
 */
export function runTimeContext(
  base: Omit<LowerContext, 'inputs' | 'outputs' | 'dim' | 'scratch' | 'setDim' | 'static'>,
  table: DynamicTable,
  g: Graph,
  rootOf: (v: string) => string,
  staticAddr: (v: string) => number,
): { ctx: LowerContext; prologue: Expr[] } {
  const fn: FnBuilder = base.fn;
  const prologue: Expr[] = [];
  const cache = new Map<string, Local>();
  const cached = (key: string, compute: () => Expr): Expr => {
    let l = cache.get(key);
    if (!l) {
      l = fn.local('i32');
      prologue.push(l.set(compute()));
      cache.set(key, l);
    }
    return l.get();
  };
  // The dims this node computes are read where they are used, not in the prologue: before the
  // node writes one, the table holds the value memory was planned for; after, the value itself.
  const own = ownComputedSymbols(g, base.node);
  const symbol = (s: string): Expr => {
    const k = table.symbols.indexOf(s);
    if (k < 0) throw new CodegenError(`${opLabel(base.node)} node '${base.node.name}': dim symbol '${s}' is not bound by any input dim`, { node: base.node.name, op: opLabel(base.node) }, 'DYNAMIC_SHAPE');
    if (own.has(s)) return fn.loadI32(table.address + 4 * k);
    return cached(`sym:${s}`, () => fn.loadI32(table.address + 4 * k));
  };
  const dim = (d: Dim): I32 => {
    if (typeof d === 'number') return d;
    const compute = () => {
      let sum: I32 = 0;
      for (const t of dimTerms(d)) {
        let term: I32 = t.coef;
        for (const s of t.symbols) term = fn.mul(term, symbol(s));
        sum = fn.add(sum, term);
      }
      return fn.i(sum);
    };
    return dimSymbols(d).some((s) => own.has(s)) ? compute() : cached(`dim:${d}`, compute);
  };
  const operand = (v: string): Operand => {
    const t = g.types.get(v)!;
    const shape = [...t.shape];
    const constant = g.constants.get(v) ?? g.constants.get(rootOf(v));
    const k = table.bufferIndex.get(rootOf(v));
    const addr = (): I32 => {
      if (constant) return base.addWeight(constant, `const:${rootOf(v)}`);
      if (k === undefined) return staticAddr(v);
      return cached(`buf:${k}`, () => fn.loadI32(table.address + 4 * (table.symbols.length + k)));
    };
    const at = (i: number) => (i < 0 ? shape.length + i : i);
    // Weights and statically planned values of static shape keep their static facts.
    const facts: StaticOperand | undefined = isStatic(shape) && (constant || k === undefined)
      ? { name: v, dtype: t.dtype, dims: shape as number[], constant, get addr() { return addr() as number; } }
      : undefined;
    return {
      name: v, dtype: t.dtype, shape, constant, static: facts,
      dim: (i) => dim(shape[at(i)]!),
      count: (from = 0, to = shape.length) => dim(dimProduct(shape.slice(at(from), at(to)))),
      addr,
    };
  };
  const n = base.node;
  const ctx: LowerContext = {
    ...base,
    inputs: n.inputs.map((i) => (i ? operand(i) : undefined)),
    outputs: n.outputs.map(operand),
    dim,
    setDim(s, value) {
      const k = table.symbols.indexOf(s);
      if (k < 0) throw new CodegenError(`${opLabel(n)} node '${n.name}': writes dim symbol '${s}', which has no slot in the dims table`, { node: n.name, op: opLabel(n) });
      return fn.storeI32(table.address + 4 * k, value);
    },
    scratch() {
      const k = table.bufferIndex.get(scratchName(n));
      if (k === undefined) throw new CodegenError(`${opLabel(n)} node '${n.name}': the kernel asked for run-time scratch but declares no runTimeScratchBytes`, { node: n.name, op: opLabel(n) });
      return cached(`buf:${k}`, () => fn.loadI32(table.address + 4 * (table.symbols.length + k)));
    },
  };
  return { ctx, prologue };
}
