// Einsum (opset 12). A float32 contraction of two operands without diagonals or one-sided sums
// (every label is in the output or in both operands, with equal sizes) is a batched MatMul:
//   A → [batch, m, k], B → [batch, k, n] (Transpose + Reshape), MatMul, then back to the output
// order. Everything else is the IR Einsum op with its generic summation kernel.
import { einsumPlan, isStatic } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { int64Vector } from './const-input.js';

/** Transposes `x` (axes labelled `labels`) to `order` and reshapes it to `dims`. */
function arrange(ctx: HandlerContext, x: string, labels: number[], order: number[], dims: number[]): string {
  const perm = order.map((l) => labels.indexOf(l));
  const moved = perm.every((p, i) => p === i) ? x : ctx.emit('Transpose', [x], { perm })[0]!;
  return ctx.emit('Reshape', [moved, ctx.addConstant(int64Vector(dims), 'shape')])[0]!;
}

function asMatMul(ctx: HandlerContext): boolean {
  const { node } = ctx;
  if (node.inputs.length !== 2) return false;
  const types = node.inputs.map((i) => ctx.typeOf(i));
  if (types.some((t) => t.dtype !== 'float32' || !isStatic(t.shape))) return false;
  const shapes = types.map((t) => t.shape as number[]);
  const plan = einsumPlan({ name: node.name, op: 'Einsum', inputs: node.inputs, outputs: node.outputs, attrs: node.attrs }, shapes);
  const [a, b] = plan.inputs as [number[], number[]];
  if (new Set(a).size !== a.length || new Set(b).size !== b.length) return false;
  const sizeIn = (labels: number[], s: number[], l: number) => s[labels.indexOf(l)];
  const both = a.filter((l) => b.includes(l));
  if (both.some((l) => sizeIn(a, shapes[0]!, l) !== sizeIn(b, shapes[1]!, l))) return false;
  const out = plan.output;
  if ([...a, ...b].some((l) => !out.includes(l) && !both.includes(l))) return false;
  const batch = both.filter((l) => out.includes(l)), contracted = both.filter((l) => !out.includes(l));
  const m = a.filter((l) => !both.includes(l)), n = b.filter((l) => !both.includes(l));
  const size = (ls: number[]) => ls.reduce((p, l) => p * plan.sizes.get(l)!, 1);
  const [bs, ms, ks, ns] = [batch, m, contracted, n].map(size) as [number, number, number, number];
  const left = arrange(ctx, node.inputs[0]!, a, [...batch, ...m, ...contracted], [bs, ms, ks]);
  const right = arrange(ctx, node.inputs[1]!, b, [...batch, ...contracted, ...n], [bs, ks, ns]);
  const [product] = ctx.emit('MatMul', [left, right]);
  const natural = [...batch, ...m, ...n];
  const perm = out.map((l) => natural.indexOf(l));
  const identity = perm.every((p, i) => p === i);
  const [unfolded] = ctx.emit('Reshape', [product!, ctx.addConstant(int64Vector(natural.map((l) => plan.sizes.get(l)!)), 'shape')], {}, identity ? node.outputs : 1);
  if (!identity) ctx.emit('Transpose', [unfolded!], { perm }, node.outputs);
  return true;
}

registerHandler('Einsum', 12, (ctx) => {
  if (!asMatMul(ctx)) ctx.emit('Einsum', ctx.node.inputs, ctx.node.attrs, ctx.node.outputs);
});
