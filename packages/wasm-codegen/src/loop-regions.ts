// The nodes of a run-time Loop's body run again on every iteration, so a value the body reads but
// does not compute (an outer value, a weight-derived tensor) must keep its buffer until the loop
// ends, not only until the body's last read of it in node order. Memory planning and in-place
// reuse both ask here how far such reads reach.
import { Graph } from '@onnx2wasm/ir';

/** Value → the node index (its LoopEnd) up to which a loop body's reads keep it alive. */
export function loopReadReach(g: Graph): Map<string, number> {
  const reach = new Map<string, number>();
  g.nodes.forEach((start, s) => {
    if (start.op !== 'LoopStart') return;
    const e = g.nodes.findIndex((n, k) => k > s && n.op === 'LoopEnd' && n.inputs[1] === start.outputs[0]);
    if (e < 0) return;
    const inside = new Set(g.nodes.slice(s + 1, e).flatMap((n) => n.outputs));
    for (const n of g.nodes.slice(s + 1, e)) {
      for (const v of [...n.inputs, ...(n.guard ?? []).map((c) => c.cond)]) {
        if (v && !inside.has(v)) reach.set(v, Math.max(reach.get(v) ?? -1, e));
      }
    }
  });
  return reach;
}
