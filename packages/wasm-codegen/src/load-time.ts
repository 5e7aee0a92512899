// Values computed once at load time: the outputs of nodes that read only weights (and other such
// values), which the optimizer chose not to fold because folding would grow the weights file —
// int8 or float16 weights widened to float32 (DequantizeLinear, Cast) and what is derived from
// them (a Transpose, a Reshape). The file keeps the narrow bytes; init() writes the wide copy into
// a region of its own that no activation shares, so every run reads it as it would a weight.
import { Graph, Node, isNondeterministic, isStatic } from '@onnx2wasm/ir';

export interface LoadTime {
  /** Nodes init() runs, in graph order. */
  nodes: Set<Node>;
  /** Values those nodes write (views of them included). */
  values: Set<string>;
}

export function loadTimeValues(g: Graph): LoadTime {
  const nodes = new Set<Node>();
  const values = new Set<string>();
  const outputs = new Set(g.outputs);
  const known = (v: string) => g.constants.has(v) || values.has(v);
  for (const n of g.nodes) {
    // A node without inputs (Dims, a random generator) or a nondeterministic one runs every time.
    if (!n.inputs.some(Boolean) || isNondeterministic(n)) continue;
    if (!n.inputs.every((i) => !i || known(i))) continue;
    // Graph outputs stay run-time values: the runtime reads them from the arena.
    if (n.outputs.some((o) => !o || outputs.has(o) || !isStatic(g.types.get(o)?.shape ?? ['?']))) continue;
    nodes.add(n);
    for (const o of n.outputs) values.add(o);
  }
  return { nodes, values };
}
