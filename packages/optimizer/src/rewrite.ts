// The one rewrite mechanism: a rule looks at a node and may return a patch (nodes to remove, nodes
// to insert in their place, new constants, value renames). Patches are checked before they are
// applied, and a rule set runs until nothing matches, with a bound that catches rules undoing each other.
import { CompileError, Graph, Node, Tensor, ValueType, cloneGraph, inferNode, opLabel } from '@onnx2wasm/ir';
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

/** The producer of `v` if it computes `op` (an op, or the function of a Unary/Binary node: opLabel) and `v` is read only by one node (so it can be fused away). */
export function soleProducer(view: GraphView, v: string | undefined, op: string): Node | undefined {
  const p = v ? view.producer(v) : undefined;
  return p && opLabel(p) === op && view.singleUse(v!) ? p : undefined;
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

interface LiveView extends GraphView {
  /** Keeps the indexes in step with a patch: drops `removed`, adds `inserted`, moves readers of renamed values. */
  update(removed: Node[], inserted: Node[]): void;
}

function makeView(g: Graph): LiveView {
  const producers = new Map<string, Node>();
  const consumers = new Map<string, Node[]>();
  const add = (n: Node) => {
    for (const o of n.outputs) if (o) producers.set(o, n);
    for (const i of n.inputs) if (i) (consumers.get(i) ?? consumers.set(i, []).get(i)!).push(n);
  };
  const drop = (n: Node) => {
    for (const o of n.outputs) if (o && producers.get(o) === n) producers.delete(o);
    for (const i of new Set(n.inputs)) {
      const list = i ? consumers.get(i) : undefined;
      if (list) consumers.set(i!, list.filter((c) => c !== n));
    }
  };
  g.nodes.forEach(add);
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
    update(removed, inserted) {
      removed.forEach(drop);
      inserted.forEach(add);
    },
  };
}

/** Where `n` stands in `nodes`, looked for near `hint` first (patches are local), else anywhere. */
function indexNear(nodes: Node[], n: Node, hint: number): number {
  for (let d = 0; d < 64; d++) {
    if (nodes[hint - d] === n) return hint - d;
    if (nodes[hint + d] === n) return hint + d;
  }
  return nodes.indexOf(n);
}

/** Applies `p` in place; returns the index of the first inserted node (or where the removed ones stood). */
function applyPatch(g: Graph, view: LiveView, p: Patch, rule: string, hint: number): number {
  const removed = new Set(p.remove);
  const positions = [...removed].map((n) => indexNear(g.nodes, n, hint));
  if (positions.some((i) => i < 0)) throw new CompileError('VERIFY_FAILED', `rewrite rule '${rule}' removes a node that is not in the graph`);
  for (const [name, t] of p.constants ?? []) {
    g.constants.set(name, t);
    g.types.set(name, { dtype: t.dtype, shape: [...t.dims] });
  }
  const inserted = p.insert ?? [];
  // Inserted where the last removed node stood; the others are taken out from the back.
  const at = Math.max(...positions, 0);
  const sorted = positions.sort((a, b) => b - a);
  if (sorted.length) {
    g.nodes.splice(sorted[0]!, 1, ...inserted);
    for (const i of sorted.slice(1)) g.nodes.splice(i, 1);
  } else g.nodes.splice(at + 1, 0, ...inserted);
  const start = sorted.length ? at - (sorted.length - 1) : at + 1;
  view.update([...removed], []);
  for (const n of inserted) inferNode(g, n);
  view.update([], inserted);
  if (p.rename?.length) {
    const map = new Map(p.rename);
    const resolve = (v: string) => { let x = v; for (let k = 0; map.has(x) && k < 64; k++) x = map.get(x)!; return x; };
    for (const o of g.outputs) if (map.has(o)) throw new CompileError('VERIFY_FAILED', `rewrite rule '${rule}' renamed graph output '${o}'`);
    const readers = new Set(p.rename.flatMap(([from]) => view.consumers(from)));
    view.update([...readers], []);
    for (const n of readers) n.inputs = n.inputs.map((i) => (i ? resolve(i) : i));
    view.update([], [...readers]);
  }
  return Math.max(0, Math.min(start, g.nodes.length));
}

/**
 * A pass that applies `rules` until none matches. Each sweep walks the nodes in order and, after a
 * rewrite, goes on from the inserted nodes with indexes kept up to date (not from the start with
 * fresh ones), so a chain of 100,000 fusable nodes costs linear work; sweeps repeat until one
 * changes nothing. The rewrite count is bounded to catch rules that undo each other.
 */
export function rewritePass(name: string, description: string, rules: Rule[], maxRewrites?: number): Pass {
  return {
    name,
    description,
    run(input) {
      const g = cloneGraph(input);
      const bound = maxRewrites ?? 100_000 + 10 * g.nodes.length;
      let changed = false;
      let count = 0;
      for (let again = true; again;) {
        again = false;
        const view = makeView(g);
        for (let i = 0; i < g.nodes.length;) {
          const n = g.nodes[i]!;
          let next = i + 1;
          for (const rule of rules) {
            const patch = rule.apply(n, view);
            if (!patch) continue;
            next = applyPatch(g, view, patch, rule.name, i);
            changed = again = true;
            if (++count > bound) throw new CompileError('VERIFY_FAILED', `pass '${name}' did not converge: rules keep rewriting (last: '${rule.name}')`);
            break;
          }
          i = next;
        }
      }
      return { graph: g, changed };
    },
  };
}
