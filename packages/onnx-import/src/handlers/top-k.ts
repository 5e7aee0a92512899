// TopK: k is an attribute in opset 1 and a constant 1-element input from 10; largest and sorted
// arrive in 11 (the IR op defaults them to 1, the older behaviour). The IR op needs both outputs
// named, so an omitted one gets a fresh name and the present one is copied out.
import { Attrs } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { constInts } from './const-input.js';

function emitTopK(ctx: HandlerContext, k: number): void {
  const { node } = ctx;
  const attrs: Attrs = { k, axis: node.attrs.axis ?? -1, largest: node.attrs.largest ?? 1, sorted: node.attrs.sorted ?? 1 };
  const [values = '', indices = ''] = node.outputs;
  if (values && indices) {
    ctx.emit('TopK', [node.inputs[0]!], attrs, [values, indices]);
    return;
  }
  const fresh = ctx.emit('TopK', [node.inputs[0]!], attrs, 2);
  [values, indices].forEach((name, i) => { if (name) ctx.emit('Identity', [fresh[i]!], {}, [name]); });
}

registerHandler('TopK', 1, (ctx) => {
  const k = ctx.node.attrs.k;
  if (typeof k !== 'number') return ctx.fail("attribute 'k' is required");
  emitTopK(ctx, k);
});
registerHandler('TopK', 10, (ctx) => {
  const k = constInts(ctx, 1, 'k');
  if (!k || k.length !== 1) return ctx.fail('k must be a 1-element integer tensor');
  emitTopK(ctx, k[0]!);
});
