// ONNX requires a graph's nodes in topological order, but ONNX Runtime does not insist and some
// converters (fp16 conversion, graph surgery tools) emit nodes out of order. Import runs handlers
// in order, so it first puts every graph (and every If/Loop/Scan body) in a topological order.
// Nodes already in order keep it: the sort only moves a node after the producers it waits for.
import { OnnxImportError } from './errors.js';
import { GraphProto, NodeProto } from './proto.js';

/** Names a body reads from enclosing scopes: everything it reads that it does not define itself. */
function outerReads(g: GraphProto): Set<string> {
  const defined = new Set<string>([...(g.input ?? []), ...(g.initializer ?? [])].map((v) => v.name ?? ''));
  for (const n of g.node ?? []) for (const o of n.output ?? []) defined.add(o);
  const reads = new Set<string>();
  for (const n of g.node ?? []) {
    for (const i of n.input ?? []) if (i && !defined.has(i)) reads.add(i);
    for (const r of subgraphReads(n)) if (!defined.has(r)) reads.add(r);
  }
  for (const o of g.output ?? []) if (o.name && !defined.has(o.name)) reads.add(o.name);
  return reads;
}

/** What a node reads through its graph attributes (an If branch reading a value of the outer graph). */
function subgraphReads(n: NodeProto): Set<string> {
  const reads = new Set<string>();
  for (const a of n.attribute ?? []) {
    const graphs = [...(a.g ? [a.g] : []), ...(a.graphs ?? [])];
    for (const g of graphs) for (const r of outerReads(g)) reads.add(r);
  }
  return reads;
}

/**
 * The order to import `nodes` in: each node after the nodes producing what it reads (its inputs and
 * the outer values its bodies read). A cycle is an INVALID_MODEL error naming the nodes on it.
 */
export function topologicalOrder(nodes: readonly NodeProto[], label = (k: number) => nodes[k]!.name || `${nodes[k]!.opType}_${k}`): number[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, k) => { for (const o of n.output ?? []) if (o && !producer.has(o)) producer.set(o, k); });
  const deps = nodes.map((n, k) => {
    const reads = [...(n.input ?? []), ...subgraphReads(n)];
    return [...new Set(reads.map((r) => producer.get(r)).filter((p): p is number => p !== undefined && p !== k))];
  });
  const selfCycle = nodes.findIndex((n, k) => [...(n.input ?? []), ...subgraphReads(n)].some((r) => producer.get(r) === k));
  if (selfCycle >= 0) throw new OnnxImportError('INVALID_MODEL', `the graph has a cycle: node '${label(selfCycle)}' reads its own output`);

  // Iterative depth-first search (graphs can be chains of thousands of nodes).
  const state = new Uint8Array(nodes.length); // 0 new, 1 on the stack, 2 placed
  const order: number[] = [];
  for (let start = 0; start < nodes.length; start++) {
    if (state[start]) continue;
    const stack: { k: number; next: number }[] = [{ k: start, next: 0 }];
    state[start] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const d = deps[top.k]![top.next++];
      if (d === undefined) { state[top.k] = 2; order.push(top.k); stack.pop(); continue; }
      if (state[d] === 2) continue;
      if (state[d] === 1) {
        const cycle = stack.slice(stack.findIndex((f) => f.k === d)).map((f) => `'${label(f.k)}'`);
        throw new OnnxImportError('INVALID_MODEL', `the graph has a cycle: ${cycle.join(' → ')} → '${label(d)}' (each reads an output of the next)`);
      }
      state[d] = 1;
      stack.push({ k: d, next: 0 });
    }
  }
  return order;
}

/** The graph's nodes in topological order (the same array when they already are). */
export function sortedNodes(g: GraphProto): NodeProto[] {
  const nodes = g.node ?? [];
  const order = topologicalOrder(nodes);
  return order.every((k, i) => k === i) ? nodes : order.map((k) => nodes[k]!);
}
