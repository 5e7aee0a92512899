import { CompileError } from './errors.js';
import { Graph, Node, ValueType } from './graph.js';
import { getOp } from './op-registry.js';

/** Runs an op's inference for a node of `g`, recording the output types. */
export function inferNode(g: Graph, node: Node): ValueType[] {
  const def = getOp(node.op);
  if (!def) throw new CompileError('UNSUPPORTED_OP', `node '${node.name}': unknown IR op '${node.op}'`, { node: node.name, op: node.op });
  const types = def.infer({
    node,
    inputs: node.inputs.map((i) => (i ? g.types.get(i) : undefined)),
    values: node.inputs.map((i) => (i ? g.constants.get(i) : undefined)),
  });
  node.outputs.forEach((o, k) => { if (o && types[k]) g.types.set(o, types[k]!); });
  return types;
}
