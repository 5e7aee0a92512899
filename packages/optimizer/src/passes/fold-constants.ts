// Evaluates nodes whose inputs are all known at compile time with the ops' reference `evaluate`,
// and replaces Shape/Size of statically shaped values by constants: this folds the
// Shape → Gather → Concat → Reshape chains exporters write even for static models.
import { Graph, Node, Tensor, cloneGraph, getOp, isStatic, makeTensor } from '@onnx2wasm/ir';
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

export const foldConstants: Pass = {
  name: 'fold-constants',
  description: 'evaluate nodes with constant inputs at compile time; fold Shape/Size of static shapes',
  run(input, ctx) {
    const g = cloneGraph(input);
    let changed = false;
    const kept: Node[] = [];
    for (const n of g.nodes) {
      const def = getOp(n.op);
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
