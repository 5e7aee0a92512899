// Values that share another value's bytes instead of getting a buffer of their own:
//  - views: the outputs of Reshape / Flatten / Squeeze / Unsqueeze / Identity are their input
//    reinterpreted, so they need no buffer and no kernel at all;
//  - in place: an elementwise kernel reads element i of each input before it writes element i of
//    its output, so the output may overwrite a same-shaped input that nothing reads afterwards.
import { Graph } from '@onnx2wasm/ir';
import { loopReadReach } from './loop-regions.js';

export const VIEW_OPS: ReadonlySet<string> = new Set(['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Identity']);
/** The elementwise ops: element i of the output reads only element i of each (broadcast) input. */
export const IN_PLACE_OPS: ReadonlySet<string> = new Set(['Unary', 'Binary', 'Identity', 'Clip', 'Where', 'FusedElementwise']);

export interface BufferAliases {
  /** value → the value whose buffer it uses. */
  aliases: Map<string, string>;
  /** Outputs of view nodes: those nodes emit no code. */
  views: Set<string>;
}

/**
 * The root lookup of a finished alias map, memoized: a chain of in-place ops makes alias chains as
 * long as the graph, which a plain walk per query turns quadratic.
 */
export function aliasRoots(aliases: ReadonlyMap<string, string>): (v: string) => string {
  const memo = new Map<string, string>();
  return (v) => {
    const walked: string[] = [];
    let r = v;
    for (;;) {
      const known = memo.get(r);
      if (known !== undefined) { r = known; break; }
      const next = aliases.get(r);
      if (next === undefined) break;
      walked.push(r);
      r = next;
    }
    for (const w of walked) memo.set(w, r);
    return r;
  };
}

// Linear in the graph: a value's root is fixed when it is aliased (only a node's new output is
// aliased, to a value defined earlier), and each root keeps the last read of every value on it.
// `held`: values written once at load time (load-time.ts); nothing may overwrite them in place.
// `notViews`: view nodes that still run (a Reshape computing its dims from a tensor's values).
export function bufferAliases(g: Graph, held: ReadonlySet<string> = new Set(), notViews: ReadonlySet<string> = new Set()): BufferAliases {
  const aliases = new Map<string, string>();
  const views = new Set<string>();
  const roots = new Map<string, string>();
  const root = (v: string) => roots.get(v) ?? v;
  const sameType = (a: string, b: string) => {
    const ta = g.types.get(a), tb = g.types.get(b);
    return !!ta && !!tb && ta.dtype === tb.dtype && ta.shape.join() === tb.shape.join();
  };
  // Last node reading each value; graph outputs live to the end.
  const lastRead = new Map<string, number>();
  g.nodes.forEach((n, k) => n.inputs.forEach((i) => { if (i) lastRead.set(i, k); }));
  for (const o of g.outputs) lastRead.set(o, Infinity);
  // A loop body reads its outer values on every iteration: nothing in the loop may overwrite them.
  for (const [v, e] of loopReadReach(g)) lastRead.set(v, Math.max(lastRead.get(v) ?? -1, e));
  const pinned = new Set([...g.inputs, ...g.outputs, ...g.constants.keys(), ...held]);
  // Per root: the last read of any value sharing its buffer so far, and whether a pinned value does.
  const lastUse = new Map<string, number>();
  const pinnedRoots = new Set(pinned);
  const lastUseOfBuffer = (r: string) => lastUse.get(r) ?? lastRead.get(r) ?? -1;
  const alias = (y: string, x: string) => {
    const r = root(x);
    aliases.set(y, x);
    roots.set(y, r);
    lastUse.set(r, Math.max(lastUseOfBuffer(r), lastRead.get(y) ?? -1));
    if (pinned.has(y)) pinnedRoots.add(r);
  };

  g.nodes.forEach((n, k) => {
    const y = n.outputs[0];
    if (!y || n.outputs.length !== 1) return;
    const x = n.inputs[0];
    if (VIEW_OPS.has(n.op) && x && g.types.get(x)?.dtype === g.types.get(y)?.dtype && !notViews.has(n.name)) {
      alias(y, x);
      views.add(y);
      return;
    }
    if (!IN_PLACE_OPS.has(n.op) || pinned.has(y)) return;
    for (const i of n.inputs) {
      if (!i || !sameType(i, y)) continue;
      const r = root(i);
      if (pinnedRoots.has(r)) continue;
      if (lastUseOfBuffer(r) !== k) continue;
      alias(y, i);
      return;
    }
  });
  return { aliases, views };
}
