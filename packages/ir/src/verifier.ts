import { opLabel } from './ops/function-label.js';
import { VerifyError } from './errors.js';
import { Graph, Node, ValueType } from './graph.js';
import { getOp } from './op-registry.js';
import { inferContext } from './infer-node.js';

function sameType(a: ValueType, b: ValueType): boolean {
  return a.dtype === b.dtype && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
}

/**
 * Checks that the graph is well formed: every value is defined once before use, every op is
 * registered, and re-running inference gives the recorded types. `after` names the pass for errors.
 */
export function verifyGraph(g: Graph, after = 'import'): void {
  const defined = new Set<string>([...g.inputs, ...g.constants.keys()]);
  const where = (n: Node) => ({ node: n.name, op: opLabel(n) });
  for (const n of g.nodes) {
    const def = getOp(n.op);
    if (!def) throw new VerifyError(`after ${after}: node '${n.name}' uses unknown IR op '${n.op}'`, where(n));
    for (const i of n.inputs) {
      if (i && !defined.has(i)) throw new VerifyError(`after ${after}: node '${n.name}' (${opLabel(n)}) reads '${i}' before it is defined`, where(n));
    }
    const inferred = def.infer(inferContext(g, n));
    n.outputs.forEach((o, k) => {
      if (!o) return;
      if (defined.has(o)) throw new VerifyError(`after ${after}: value '${o}' is defined twice (again by node '${n.name}')`, where(n));
      defined.add(o);
      const rec = g.types.get(o);
      if (!rec) throw new VerifyError(`after ${after}: value '${o}' of node '${n.name}' has no type`, where(n));
      if (inferred[k] && !sameType(rec, inferred[k]!)) {
        throw new VerifyError(`after ${after}: node '${n.name}' (${opLabel(n)}) output '${o}' is recorded as ${rec.dtype}[${rec.shape}] but infers to ${inferred[k]!.dtype}[${inferred[k]!.shape}]`, where(n));
      }
    });
  }
  for (const o of g.outputs) if (!defined.has(o)) throw new VerifyError(`after ${after}: graph output '${o}' is never defined`);
}
