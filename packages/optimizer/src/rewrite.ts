// The one rewrite mechanism: a rule looks at a node and may return a patch (nodes to remove, nodes
// to insert in their place, new constants, value renames). Patches are checked before they are
// applied, and a rule set runs until nothing matches, with a bound that catches rules undoing each other.
import { CompileError, Graph, Node, Tensor, ValueType, cloneGraph, inferNode } from '@onnx2wasm/ir';
import { Pass } from './pass.js';

export interface GraphView {
  readonly graph: Graph;
  producer(value: string): Node | undefined;
  consumers(value: string): Node[];
  constant(value: string): Tensor | undefined;
  type(value: string): ValueType;
  isGraphOutput(value: string): boolean;
  /** True when `value` is read by exactly one node and is not a graph output: it may be fused away. */
  singleUse(value: string): boolean;
  /** A value name not used in the graph yet. */
  fresh(hint: string): string;
}

/** The value of a one-element float32 constant (a scale, an epsilon), else undefined. */
export function scalarConstant(view: GraphView, v: string | undefined): number | undefined {
  const t = v ? view.constant(v) : undefined;
  return t && t.data.length === 1 && t.dtype === 'float32' ? Number(t.data[0]) : undefined;
}

/** The producer of `v` if it has op `op` and `v` is read only by one node (so it can be fused away). */
export function soleProducer(view: GraphView, v: string | undefined, op: string): Node | undefined {
  const p = v ? view.producer(v) : undefined;
  return p && p.op === op && view.singleUse(v!) ? p : undefined;
}

export interface Patch {
  remove: Node[];
  /** Inserted where the last removed node stood; their outputs' types are inferred. */
  insert?: Node[];
  constants?: [string, Tensor][];
  /** Readers of key read value instead (used when a node is removed without replacement). */
  rename?: [string, string][];
}

export interface Rule {
  name: string;
  apply(node: Node, view: GraphView): Patch | undefined;
}

function makeView(g: Graph): GraphView {
  const producers = new Map<string, Node>();
  const consumers = new Map<string, Node[]>();
  for (const n of g.nodes) {
    for (const o of n.outputs) if (o) producers.set(o, n);
    for (const i of n.inputs) if (i) (consumers.get(i) ?? consumers.set(i, []).get(i)!).push(n);
  }
  const outputs = new Set(g.outputs);
  let counter = 0;
  return {
    graph: g,
    producer: (v) => producers.get(v),
    consumers: (v) => consumers.get(v) ?? [],
    constant: (v) => g.constants.get(v),
    type: (v) => g.types.get(v)!,
    isGraphOutput: (v) => outputs.has(v),
    singleUse: (v) => !outputs.has(v) && (consumers.get(v)?.length ?? 0) === 1,
    fresh(hint) {
      let n: string;
      do n = `${hint}_${counter++}`; while (g.types.has(n) || producers.has(n));
      return n;
    },
  };
}

function applyPatch(g: Graph, p: Patch, rule: string): void {
  const removed = new Set(p.remove);
  const positions = g.nodes.map((n, i) => (removed.has(n) ? i : -1)).filter((i) => i >= 0);
  if (positions.length !== removed.size) throw new CompileError('VERIFY_FAILED', `rewrite rule '${rule}' removes a node that is not in the graph`);
  for (const [name, t] of p.constants ?? []) {
    g.constants.set(name, t);
    g.types.set(name, { dtype: t.dtype, shape: [...t.dims] });
  }
  const at = Math.max(...positions, 0);
  const inserted = p.insert ?? [];
  const before = g.nodes.slice(0, at + 1).filter((n) => !removed.has(n));
  const after = g.nodes.slice(at + 1);
  g.nodes = [...before, ...inserted, ...after];
  for (const n of inserted) inferNode(g, n);
  if (p.rename?.length) {
    const map = new Map(p.rename);
    const resolve = (v: string) => { let x = v; for (let k = 0; map.has(x) && k < 64; k++) x = map.get(x)!; return x; };
    for (const n of g.nodes) n.inputs = n.inputs.map((i) => (i ? resolve(i) : i));
    g.outputs = g.outputs.map((o) => {
      if (map.has(o)) throw new CompileError('VERIFY_FAILED', `rewrite rule '${rule}' renamed graph output '${o}'`);
      return o;
    });
  }
}

/** A pass that applies `rules` until none matches (at most `maxRewrites` rewrites). */
export function rewritePass(name: string, description: string, rules: Rule[], maxRewrites = 100_000): Pass {
  return {
    name,
    description,
    run(input) {
      const g = cloneGraph(input);
      let changed = false;
      let count = 0;
      for (let again = true; again;) {
        again = false;
        const view = makeView(g);
        for (const n of g.nodes) {
          for (const rule of rules) {
            const patch = rule.apply(n, view);
            if (!patch) continue;
            applyPatch(g, patch, rule.name);
            changed = again = true;
            if (++count > maxRewrites) throw new CompileError('VERIFY_FAILED', `pass '${name}' did not converge: rules keep rewriting (last: '${rule.name}')`);
            break;
          }
          if (again) break;
        }
      }
      return { graph: g, changed };
    },
  };
}
