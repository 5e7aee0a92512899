// Inlines a graph attribute (an If branch, a Loop or Scan body) into the graph being imported: its
// nodes go through the same handlers as top-level nodes, under fresh names. A body reads values of
// enclosing scopes by their names, so the renamings of all bodies being inlined form a stack that
// name lookups walk from the innermost out.
import { CompileError } from '@onnx2wasm/ir';
import { OnnxImportError, UnsupportedOpError } from './errors.js';
import { HandlerContext, OnnxNode, findHandler, makeContext } from './handler-registry.js';
import { checkMovedAttributes } from './moved-attributes.js';
import { attrValue } from './attribute-value.js';
import { GraphProto } from './proto.js';
import { tensorFromProto } from './tensor-proto.js';
import { sortedNodes } from './topo-sort.js';
import { chargeNodes, checkDepth } from './import-budget.js';

const scopes: Map<string, string>[] = [];

/** The name a body's reference has in the flattened graph. */
function resolve(name: string): string {
  if (!name) return name;
  for (let i = scopes.length - 1; i >= 0; i--) {
    const r = scopes[i]!.get(name);
    if (r !== undefined) return r;
  }
  return name;
}

/**
 * Imports `body` with its formal inputs bound to outer values (`bind[k]` for input k) and returns
 * the outer names of its outputs, in order. `tag` makes the copies of one body (loop iterations,
 * branches) distinguishable in node names.
 */
export function inlineGraph(ctx: HandlerContext, body: GraphProto, bind: string[], tag: string): string[] {
  const g = ctx.graph;
  checkDepth(scopes.length + 1, ctx.node);
  const formal = (body.input ?? []).map((v) => v.name ?? '');
  if (formal.length !== bind.length) ctx.fail(`its ${tag} body takes ${formal.length} inputs, ${bind.length} are given`);
  const prefix = `${ctx.node.name}/${tag}`;
  let counter = 0;
  const fresh = (hint: string) => {
    let n: string;
    do n = `${prefix}/${hint}_${counter++}`; while (g.types.has(n) || g.constants.has(n));
    return n;
  };
  const scope = new Map<string, string>();
  formal.forEach((f, k) => scope.set(f, bind[k]!));
  for (const t of body.initializer ?? []) scope.set(t.name ?? '', ctx.addConstant(tensorFromProto(t), `${tag}/${t.name}`));
  scopes.push(scope);
  try {
    sortedNodes(body).forEach((proto, i) => {
      const name = `${prefix}/${proto.name || `${proto.opType}_${i}`}`;
      const n: OnnxNode = {
        name, opType: proto.opType ?? '', domain: proto.domain ?? '',
        inputs: (proto.input ?? []).map(resolve), outputs: [], attrs: {},
      };
      const opset = n.domain && n.domain !== 'ai.onnx' ? 1 : ctx.opset;
      const handler = findHandler(n.domain, n.opType, opset);
      if (!handler) throw new UnsupportedOpError([{ op: n.opType, domain: n.domain, opset, nodes: [name] }]);
      try {
        for (const a of proto.attribute ?? []) {
          if (a.type === 5 && a.g) (n.subgraphs ??= {})[a.name ?? ''] = a.g;
          else n.attrs[a.name ?? ''] = attrValue(a, {});
        }
      } catch (e) {
        if (e instanceof CompileError) throw new OnnxImportError(e.code, `${n.opType} node '${name}': ${e.message}`, { node: name, op: n.opType });
        throw e;
      }
      const outs = [...(proto.output ?? [])];
      while (outs.length && !outs[outs.length - 1]) outs.pop();
      n.outputs = outs.map((o) => (o ? fresh(o) : ''));
      checkMovedAttributes(n, opset);
      handler(makeContext(g, n, opset, fresh));
      chargeNodes(g.nodes.length, n);
      outs.forEach((o, k) => { if (o) scope.set(o, n.outputs[k]!); });
    });
    return (body.output ?? []).map((v) => {
      const r = resolve(v.name ?? '');
      if (!g.types.has(r)) ctx.fail(`its ${tag} body's output '${v.name}' is not produced by any node`);
      return r;
    });
  } finally {
    scopes.pop();
  }
}
