import { CompileError } from './errors.js';
import { Graph, Node, ValueType } from './graph.js';
import { InferContext, getOp } from './op-registry.js';
import { partialValue, symbolicInputs } from './shape-values.js';

/** What inference sees of a node of `g`: input types, constant values and symbolic shape values. */
export function inferContext(g: Graph, node: Node): InferContext {
  const ctx: InferContext = {
    node,
    inputs: node.inputs.map((i) => (i ? g.types.get(i) : undefined)),
    values: node.inputs.map((i) => (i ? g.constants.get(i) : undefined)),
  };
  const symbolic = symbolicInputs(g, node);
  if (symbolic) ctx.symbolic = symbolic;
  ctx.partial = (i) => {
    const v = node.inputs[i];
    return v ? partialValue(g, v) : undefined;
  };
  return ctx;
}

/** Runs an op's inference for a node of `g`, recording the output types. */
export function inferNode(g: Graph, node: Node): ValueType[] {
  const def = getOp(node.op);
  if (!def) throw new CompileError('UNSUPPORTED_OP', `node '${node.name}': unknown IR op '${node.op}'`, { node: node.name, op: node.op });
  const types = def.infer(inferContext(g, node));
  node.outputs.forEach((o, k) => { if (o && types[k]) g.types.set(o, types[k]!); });
  return types;
}
