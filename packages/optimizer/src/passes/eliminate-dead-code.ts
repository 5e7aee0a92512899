// Removes nodes whose outputs nothing reads, and constants no node reads.
import { cloneGraph } from '@onnx2wasm/ir';
import { Pass } from '../pass.js';

export const eliminateDeadCode: Pass = {
  name: 'dce',
  description: 'remove nodes and constants whose results are never used',
  run(input) {
    const g = cloneGraph(input);
    const live = new Set(g.outputs);
    const kept = [];
    for (let i = g.nodes.length - 1; i >= 0; i--) {
      const n = g.nodes[i]!;
      if (!n.outputs.some((o) => o && live.has(o))) continue;
      kept.push(n);
      for (const x of n.inputs) if (x) live.add(x);
    }
    kept.reverse();
    let changed = kept.length !== g.nodes.length;
    g.nodes = kept;
    for (const c of [...g.constants.keys()]) if (!live.has(c)) { g.constants.delete(c); changed = true; }
    // A kept node's unused outputs (a TopK's indices, an extra output) still need their types in codegen.
    for (const n of kept) for (const o of n.outputs) if (o) live.add(o);
    for (const t of [...g.types.keys()]) if (!live.has(t) && !g.inputs.includes(t)) g.types.delete(t);
    return { graph: g, changed };
  },
};
