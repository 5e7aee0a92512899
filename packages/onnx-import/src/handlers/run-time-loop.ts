// A Loop whose trip count or condition is only known at run time: its body is imported once,
// between a LoopStart and a LoopEnd node (see the IR op), and the code generator runs it in a wasm
// loop. Loop-carried values keep their type from one iteration to the next (a body that changes a
// carried shape is a DYNAMIC_SHAPE error); scan outputs, whose length would be known only at run
// time, still need the trip count and condition at compile time (the Loop is then unrolled).
import { makeTensor } from '@onnx2wasm/ir';
import { OnnxImportError } from '../errors.js';
import { HandlerContext } from '../handler-registry.js';
import { GraphProto } from '../proto.js';
import { inlineGraph } from '../subgraph.js';

/** A single-element bool value as a scalar (what LoopStart and LoopEnd take). */
function scalarBool(ctx: HandlerContext, v: string): string {
  const t = ctx.typeOf(v);
  if (t.dtype !== 'bool' || !t.shape.every((d) => d === 1)) ctx.fail(`the loop condition must be one bool, got ${t.dtype}[${t.shape}]`);
  return t.shape.length ? ctx.emit('Reshape', [v, ctx.addConstant(makeTensor('int64', [0], []), 'scalar')])[0]! : v;
}

export function runTimeLoop(ctx: HandlerContext, body: GraphProto, why: string): void {
  const [tripName, condName, ...initial] = ctx.node.inputs;
  const nScan = (body.output ?? []).length - 1 - initial.length;
  if (nScan > 0) {
    throw new OnnxImportError('DYNAMIC_SHAPE', `Loop node '${ctx.node.name}': ${why} must be known at compile time for its ${nScan} scan output${nScan === 1 ? '' : 's'} (their length would be known only at run time); pin it (constantInputs / --constant)`, { node: ctx.node.name, op: 'Loop' });
  }
  if (tripName) {
    const t = ctx.typeOf(tripName);
    if (t.dtype !== 'int64' || !t.shape.every((d) => d === 1)) ctx.fail(`the trip count must be one int64, got ${t.dtype}[${t.shape}]`);
  }
  const [iter, cond, ...carried] = ctx.emit('LoopStart', [condName ? scalarBool(ctx, condName) : '', ...initial], { nondeterministic: true }, 2 + initial.length);
  const outs = inlineGraph(ctx, body, [iter!, cond!, ...carried], 'body');
  const condOut = scalarBool(ctx, outs[0]!);
  const finals = ctx.emit('LoopEnd', [tripName ?? '', iter!, cond!, condOut, ...carried, ...outs.slice(1, 1 + initial.length)], { carried: initial.length, nondeterministic: true }, initial.length);
  ctx.node.outputs.forEach((o, k) => { if (o && k < finals.length) ctx.emit('Identity', [finals[k]!], {}, [o]); });
}
