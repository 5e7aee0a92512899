// Dims() {dims}: an int64 vector of dims given as numbers and dim expressions over the graph
// inputs' symbols ('batch', '4*batch*seq'). The optimizer replaces a Shape → Gather → Concat chain
// whose contents are known symbolically by one Dims node; at run time it holds the dims' values.
import { Dim, Node } from '../graph.js';
import { OpDef, expectInputCount, fail, registerOp } from '../op-registry.js';
import { canonicalDim, isDimExpr } from '../dim-expr.js';
import { makeTensor } from '../tensor.js';

export function dimsAttr(node: Node): Dim[] {
  const v = node.attrs.dims;
  if (!Array.isArray(v)) fail(node, "attribute 'dims' must be a list of numbers and dim expressions", 'INVALID_ATTRIBUTE');
  return (v as Dim[]).map((d) => {
    if (typeof d === 'number' ? !Number.isSafeInteger(d) : !isDimExpr(d)) fail(node, `attribute 'dims' has invalid entry ${JSON.stringify(d)}`, 'INVALID_ATTRIBUTE');
    return canonicalDim(d);
  });
}

export const dims: OpDef = {
  name: 'Dims',
  group: 'shape',
  description: 'an int64 vector of dims, symbolic ones evaluated at run time',
  infer(ctx) {
    expectInputCount(ctx, 0);
    return [{ dtype: 'int64', shape: [dimsAttr(ctx.node).length] }];
  },
  evaluate(node) {
    const d = dimsAttr(node);
    if (d.some((x) => typeof x !== 'number')) fail(node, `dims [${d}] are symbolic; they are only known at run time`, 'DYNAMIC_SHAPE');
    return [makeTensor('int64', [d.length], d as number[])];
  },
  flops: () => 0,
};

registerOp(dims);
