// TopK: k is an attribute in opset 1 and a 1-element input from 10 (constant, or read at run time); largest and sorted
// arrive in 11 (the IR op defaults them to 1, the older behaviour). The IR op needs both outputs
// named, so an omitted one gets a fresh name and the present one is copied out.
import { Attrs } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { constInts } from './const-input.js';

function emitTopK(ctx: HandlerContext, k: number | undefined): void {
  const { node } = ctx;
  // Without a constant k, the k input stays: the IR op reads it at run time (a value-dependent dim).
  const inputs = k === undefined ? [node.inputs[0]!, node.inputs[1]!] : [node.inputs[0]!];
  const attrs: Attrs = { ...(k === undefined ? {} : { k }), axis: node.attrs.axis ?? -1, largest: node.attrs.largest ?? 1, sorted: node.attrs.sorted ?? 1 };
  const [values = '', indices = ''] = node.outputs;
  if (values && indices) {
    ctx.emit('TopK', inputs, attrs, [values, indices]);
    return;
  }
  const fresh = ctx.emit('TopK', inputs, attrs, 2);
  [values, indices].forEach((name, i) => { if (name) ctx.emit('Identity', [fresh[i]!], {}, [name]); });
}

registerHandler('TopK', 1, (ctx) => {
  const k = ctx.node.attrs.k;
  if (typeof k !== 'number') return ctx.fail("attribute 'k' is required");
  emitTopK(ctx, k);
});
registerHandler('TopK', 10, (ctx) => {
  const name = ctx.node.inputs[1];
  if (!name) return ctx.fail('k (input 1) is required');
  const kType = ctx.typeOf(name);
  if (!ctx.constantOf(name)) {
    if (kType.dtype !== 'int64' || kType.shape.length !== 1 || kType.shape[0] !== 1) return ctx.fail(`k must be a 1-element int64 tensor, got ${kType.dtype}[${kType.shape}]`);
    return emitTopK(ctx, undefined);
  }
  const k = constInts(ctx, 1, 'k');
  if (!k || k.length !== 1) return ctx.fail('k must be a 1-element integer tensor');
  emitTopK(ctx, k[0]!);
});
