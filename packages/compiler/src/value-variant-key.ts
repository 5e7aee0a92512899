// When two candidate values build the same graph, one build serves both (a Reduce's axes [2] and
// [-1] on a rank-3 input). The IR keeps axis attributes as the model gave them, so the key first
// writes negative axes as the non-negative axis they mean, where that meaning is certain.
import { createHash } from 'node:crypto';
import { AttrValue, Graph, Node, ValueType, getOp, inferContext, printGraph, typeToString } from '@onnx2wasm/ir';

const AXIS_ATTRS = ['axis', 'axes'];

const sameTypes = (a: ValueType[], b: ValueType[]) => a.length === b.length && a.every((t, i) => typeToString(t) === typeToString(b[i]!));

/**
 * `n`'s axis attributes with negative entries replaced by entry + rank. The rank an op counts from
 * is that of one of its inputs or outputs; a candidate rank counts only if inference gives the
 * node the same output types with it, and only a single surviving rewrite is taken (else the
 * attribute stays as it is: two builds are then kept apart, never wrongly merged).
 */
function canonicalAttrs(g: Graph, n: Node): Node['attrs'] {
  const attrs = { ...n.attrs };
  const def = getOp(n.op);
  if (!def) return attrs;
  const ranks = new Set([...n.inputs, ...n.outputs].filter(Boolean).map((v) => g.types.get(v)?.shape.length).filter((r): r is number => r !== undefined));
  const outputs = n.outputs.map((o) => g.types.get(o)!);
  for (const name of AXIS_ATTRS) {
    const v = attrs[name];
    const list = typeof v === 'number' ? [v] : Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : undefined;
    if (!list || !list.some((x) => x < 0)) continue;
    const rewrites = new Map<string, AttrValue>();
    for (const r of ranks) {
      const fixed = list.map((x) => (x < 0 ? x + r : x));
      const value: AttrValue = typeof v === 'number' ? fixed[0]! : fixed;
      try {
        const types = def.infer({ ...inferContext(g, n), node: { ...n, attrs: { ...attrs, [name]: value } } });
        if (sameTypes(types, outputs)) rewrites.set(JSON.stringify(value), value);
      } catch {
        // out of range for this rank: not the rank the op counts from
      }
    }
    if (rewrites.size === 1) attrs[name] = [...rewrites.values()][0]!;
  }
  return attrs;
}

/** Identifies a built graph: its text with canonical axes, and the bytes of every constant. */
export function graphKey(g: Graph): string {
  const text = printGraph({ ...g, nodes: g.nodes.map((n) => ({ ...n, attrs: canonicalAttrs(g, n) })) });
  const h = createHash('sha256');
  for (const [name, c] of [...g.constants].sort(([a], [b]) => a.localeCompare(b))) h.update(name).update(new Uint8Array(c.data.buffer, c.data.byteOffset, c.data.byteLength));
  return `${text}\n${h.digest('hex')}`;
}
