// Shared by ops whose output shape depends on input values (NonZero, Unique, NonMaxSuppression): a
// static-shape compiler supports them only when those inputs are known at compile time, and then
// the node is folded with its evaluate. Inference runs the evaluate for the shapes.
import { ValueType } from '../graph.js';
import { InferContext, OpDef, input, needValue } from '../op-registry.js';
import { Tensor } from '../tensor.js';

/** Output types from evaluating the node; DYNAMIC_SHAPE naming the inputs whose values are missing. */
export function inferFromValues(ctx: InferContext, def: Pick<OpDef, 'evaluate'>, required: number[]): ValueType[] {
  for (const i of required) input(ctx, i); // an omitted input is "required", not a TypeError in evaluate
  const missing = required.filter((i) => ctx.inputs[i] && !ctx.values[i]);
  if (missing.length) {
    const names = missing.map((i) => `'${ctx.node.inputs[i]}' (input ${i})`).join(', ');
    needValue(ctx.node, missing[0]!, `the output shape depends on the values of ${names}, which must be known at compile time`);
  }
  const outs: Tensor[] = def.evaluate(ctx.node, ctx.values);
  return outs.map((t) => ({ dtype: t.dtype, shape: [...t.dims] }));
}
