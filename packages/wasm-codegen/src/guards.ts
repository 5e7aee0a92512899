// Which nodes the run function calls conditionally. Import puts the nodes of an If's branches under
// guards (ir Node.guard); the optimizer may since have fused, replaced or moved nodes, so a guard is
// honoured only where skipping the node is provably safe, and dropped (the node always runs, which
// is always correct) otherwise:
//  - the condition is a single-element bool computed before the node (or a graph input or constant);
//  - every reader of the node's outputs runs only when the node ran (its guards include the node's),
//    or is the merging Where(cond, then, else) (or SelectBranch) reading the value of the branch it selects;
//  - no output of the node is a graph output, and a guard reading it as its condition is tested
//    only when the node ran.
// Nodes a pass rebuilt without guards get them back when all their run-time inputs come from
// nodes under the same guards (then the checks above decide), so a fused branch stays conditional.
import { Graph, Guard, Node, sizeOf } from '@onnx2wasm/ir';

const same = (a: Guard, b: Guard) => a.cond === b.cond && a.when === b.when;
/** Whether every guard of `inner` is in `outer` (running under `outer` implies `inner` holds). */
const implies = (outer: readonly Guard[], inner: readonly Guard[]) => inner.every((g) => outer.some((o) => same(o, g)));

export function effectiveGuards(g: Graph): Map<Node, Guard[]> {
  const producer = new Map<string, { node: Node; index: number }>();
  g.nodes.forEach((n, index) => n.outputs.forEach((o) => { if (o) producer.set(o, { node: n, index }); }));
  const guards = new Map<Node, Guard[]>();
  if (!g.nodes.some((n) => n.guard?.length)) return guards;

  const usable = (c: Guard, at: number) => {
    const t = g.types.get(c.cond);
    if (!t || t.dtype !== 'bool' || !t.shape.every((d) => d === 1)) return false;
    const p = producer.get(c.cond);
    return p ? p.index < at : g.inputs.includes(c.cond) || g.constants.has(c.cond);
  };
  g.nodes.forEach((n, k) => {
    let gs = n.guard?.filter((c) => usable(c, k));
    if (!gs?.length && !n.guard) {
      // Rebuilt by a pass: inherit the guards every run-time input's producer shares.
      const from = n.inputs.filter((i) => i && !g.constants.has(i)).map((i) => producer.get(i));
      if (from.length && from.every((p) => p && guards.has(p.node))) {
        const first = guards.get(from[0]!.node)!;
        gs = first.filter((c) => from.every((p) => guards.get(p!.node)!.some((o) => same(o, c))));
      }
    }
    if (gs?.length) guards.set(n, gs);
  });

  const readers = new Map<string, Node[]>();
  for (const n of g.nodes) for (const i of n.inputs) if (i) readers.set(i, [...(readers.get(i) ?? []), n]);
  const outputs = new Set(g.outputs);
  const readerOk = (value: string, mine: Guard[], r: Node): boolean => {
    const theirs = guards.get(r) ?? [];
    if (implies(theirs, mine)) return true;
    // The merge: Where(cond, then, else) or SelectBranch(cond, then, else) reads the untaken
    // branch's (stale) value without using it (SelectBranch does not even read it).
    if ((r.op !== 'Where' && r.op !== 'SelectBranch') || r.inputs[1] === r.inputs[2]) return false;
    const slot = r.inputs.indexOf(value);
    if (slot !== 1 && slot !== 2 || r.inputs[0] === value) return false;
    const selected: Guard = { cond: r.inputs[0]!, when: slot === 1 };
    const t = g.types.get(selected.cond);
    return !!t && sizeOf(t.shape.map((d) => (typeof d === 'number' ? d : 2))) === 1 && implies([...theirs, selected], mine);
  };
  // A guard's condition is read when the guards before it hold (they are tested outermost first).
  const conditionReadsOk = (value: string, mine: Guard[]) => [...guards.values()].every((gs) => gs.every((c, j) => c.cond !== value || implies(gs.slice(0, j), mine)));
  for (let changed = true; changed;) {
    changed = false;
    for (const [n, mine] of guards) {
      const ok = n.outputs.every((o) => !o || (!outputs.has(o) && (readers.get(o) ?? []).every((r) => readerOk(o, mine, r)) && conditionReadsOk(o, mine)));
      if (!ok) { guards.delete(n); changed = true; }
    }
  }
  return guards;
}
