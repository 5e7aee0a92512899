// Identity nodes only rename a value: readers are pointed at the source instead. An Identity whose
// output is a graph output stays when removing it would need to rename the graph's interface.
import { cloneGraph } from '@onnx2wasm/ir';
import { Pass } from '../pass.js';

export const eliminateIdentity: Pass = {
  name: 'eliminate-identity',
  description: 'remove Identity nodes by reading their input directly',
  run(input) {
    const g = cloneGraph(input);
    const rename = new Map<string, string>();
    const resolve = (v: string) => { while (rename.has(v)) v = rename.get(v)!; return v; };
    const kept = [];
    for (const n of g.nodes) {
      n.inputs = n.inputs.map((i) => (i ? resolve(i) : i));
      if (n.op === 'Identity' && !g.outputs.includes(n.outputs[0]!)) { rename.set(n.outputs[0]!, n.inputs[0]!); continue; }
      kept.push(n);
    }
    g.nodes = kept;
    return { graph: g, changed: rename.size > 0 };
  },
};
