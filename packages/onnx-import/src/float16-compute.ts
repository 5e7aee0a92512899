// float16 models compute in float32: a node that reads float16 values (other than the ops that only
// move or reinterpret data) gets its float16 inputs cast to float32, its handler runs on those, and
// its float32 results are rounded back to float16 under the model's own names. So every value the
// graph stores as float16 is float16 (rounded like the model says), the arithmetic in between is
// float32 as in onnxruntime's CPU kernels, and float16 weights stay float16 in the weights file: the
// optimizer leaves their widening Cast to load time (fold-constants' widensWeights).
import { HandlerContext, Handler, OnnxNode, makeContext } from './handler-registry.js';

/** Ops that move float16 data without arithmetic, or handle float16 themselves. */
const KEEPS_FLOAT16 = new Set([
  'Cast', 'CastLike', 'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Identity', 'Transpose', 'Concat', 'Split',
  'Slice', 'Gather', 'GatherElements', 'GatherND', 'Shape', 'Size', 'Constant', 'Expand', 'Tile',
  'DepthToSpace', 'SpaceToDepth', 'Range', 'QuantizeLinear', 'DequantizeLinear', 'If', 'Loop', 'Scan',
]);

export function computesInFloat32(ctx: HandlerContext): boolean {
  const { node } = ctx;
  if (node.domain !== '' && node.domain !== 'ai.onnx') return false;
  if (KEEPS_FLOAT16.has(node.opType)) return false;
  return node.inputs.some((i) => i && ctx.graph.types.get(i)?.dtype === 'float16');
}

/** Runs `handler` for `ctx.node` on float32 copies of its float16 inputs (see the file comment). */
export function runInFloat32(ctx: HandlerContext, handler: Handler, fresh: (hint: string) => string): void {
  const { node, graph } = ctx;
  const sub = (suffix: string, inputs: string[], outputs: string[]): HandlerContext =>
    makeContext(graph, { ...node, name: `${node.name}/${suffix}`, inputs, outputs }, ctx.opset, fresh, ctx.tracedBatch);
  const widen = sub('float16_in', node.inputs, []);
  const inputs = node.inputs.map((i) => (i && graph.types.get(i)?.dtype === 'float16' ? widen.emit('Cast', [i], { to: 'float32' })[0]! : i));
  const temps = node.outputs.map((o) => (o ? fresh(`${o}/float32`) : o));
  const inner: OnnxNode = { ...node, inputs, outputs: temps };
  handler(makeContext(graph, inner, ctx.opset, fresh, ctx.tracedBatch));
  const narrow = sub('float16_out', temps, node.outputs);
  node.outputs.forEach((o, k) => {
    const t = temps[k]!;
    if (!o || !graph.types.has(t)) return;
    const isFloat32 = graph.types.get(t)!.dtype === 'float32';
    narrow.emit(isFloat32 ? 'Cast' : 'Identity', [t], isFloat32 ? { to: 'float16' } : {}, [o]);
  });
}
