// Evaluates nodes whose inputs are all known at compile time with the ops' reference `evaluate`,
// and replaces Shape/Size of statically shaped values by constants: this folds the
// Shape → Gather → Concat → Reshape chains exporters write even for static models.
import { Graph, Node, OpDef, Tensor, cloneGraph, getOp, isStatic, makeTensor, typeToString } from '@onnx2wasm/ir';
import { Pass } from '../pass.js';

function foldFromType(g: Graph, n: Node): Tensor[] | undefined {
  const t = n.inputs[0] ? g.types.get(n.inputs[0]) : undefined;
  if (!t || !isStatic(t.shape)) return undefined;
  if (n.op === 'Shape') {
    const rank = t.shape.length;
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
    const start = clamp(typeof n.attrs.start === 'number' ? n.attrs.start : 0);
    const end = clamp(typeof n.attrs.end === 'number' ? n.attrs.end : rank);
    const dims = t.shape.slice(start, Math.max(start, end));
    return [makeTensor('int64', [dims.length], dims)];
  }
  if (n.op === 'Size') return [makeTensor('int64', [], [t.shape.reduce((a, b) => a * b, 1)])];
  return undefined;
}

function refineTypes(g: Graph, n: Node, def: OpDef): boolean {
  const inferred = def.infer({
    node: n,
    inputs: n.inputs.map((i) => (i ? g.types.get(i) : undefined)),
    values: n.inputs.map((i) => (i ? g.constants.get(i) : undefined)),
  });
  let refined = false;
  n.outputs.forEach((o, k) => {
    const t = inferred[k], rec = o ? g.types.get(o) : undefined;
    if (!o || !t || (rec && typeToString(rec) === typeToString(t))) return;
    g.types.set(o, t);
    refined = true;
  });
  return refined;
}

export const foldConstants: Pass = {
  name: 'fold-constants',
  description: 'evaluate nodes with constant inputs at compile time; fold Shape/Size of static shapes',
  run(input, ctx) {
    const g = cloneGraph(input);
    let changed = false;
    const kept: Node[] = [];
    for (const n of g.nodes) {
      const def = getOp(n.op);
      // Import-time inference gave symbolic dims to shapes computed from not-yet-folded values
      // (Reshape's shape, Slice's ends); with those inputs now constant, re-infer to make them static.
      if (def && refineTypes(g, n, def)) changed = true;
      let values = foldFromType(g, n);
      const allConst = n.inputs.every((i) => !i || g.constants.has(i));
      if (!values && def && allConst && n.attrs.nondeterministic !== true) {
        const outElems = n.outputs.map((o) => g.types.get(o)).reduce((s, t) => s + (t && isStatic(t.shape) ? t.shape.reduce((a, b) => a * b, 1) : Infinity), 0);
        if (outElems <= ctx.maxFoldElements) values = def.evaluate(n, n.inputs.map((i) => (i ? g.constants.get(i) : undefined)));
      }
      if (!values) { kept.push(n); continue; }
      n.outputs.forEach((o, k) => { if (o && values![k]) g.constants.set(o, values![k]!); });
      changed = true;
    }
    g.nodes = kept;
    return { graph: g, changed };
  },
};
