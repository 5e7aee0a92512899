// QuantizeLinear / DequantizeLinear (opsets 10 to 25) for 2- to 16-bit integers and float8/float4e2m1, per tensor, per
// axis or blocked: the IR ops of the same name, computed in float32 (float16 x or scale are cast
// in and the float16 result cast out). The quantized type is the zero point's, else
// output_dtype, else uint8. `saturate` (float8 targets) passes through.
// DynamicQuantizeLinear (11) maps onto the IR op of the same name (its definition, in float32
// steps, is in ir/src/ops/dynamic-quantize.ts; its kernel makes two vector passes over x).
import { DType, QUANT_DTYPES, makeTensor } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { ONNX_DTYPES } from '../tensor-proto.js';

function toFloat32(ctx: HandlerContext, name: string): string {
  return ctx.typeOf(name).dtype === 'float16' ? ctx.emit('Cast', [name], { to: 'float32' })[0]! : name;
}

function quantAttrs(ctx: HandlerContext): { axis: number; block_size: number } {
  return { axis: (ctx.node.attrs.axis as number | undefined) ?? 1, block_size: (ctx.node.attrs.block_size as number | undefined) ?? 0 };
}

function params(ctx: HandlerContext): string[] {
  const [, scale, zp] = ctx.node.inputs;
  return zp ? [toFloat32(ctx, scale!), zp] : [toFloat32(ctx, scale!)];
}

registerHandler('QuantizeLinear', 10, (ctx) => {
  const { node } = ctx;
  const zp = node.inputs[2];
  const code = node.attrs.output_dtype as number | undefined;
  const to: DType | undefined = zp ? ctx.typeOf(zp).dtype : code ? ONNX_DTYPES[code] : 'uint8';
  if (!to || !QUANT_DTYPES.includes(to)) ctx.fail(`quantizing to ${to ?? `ONNX type ${code}`} is not supported (${QUANT_DTYPES.join(', ')})`);
  const saturate = typeof node.attrs.saturate === 'number' ? node.attrs.saturate : 1;
  const attrs = { ...quantAttrs(ctx), to: to!, saturate };
  ctx.emit('QuantizeLinear', [toFloat32(ctx, node.inputs[0]!), ...params(ctx)], attrs, node.outputs);
});

registerHandler('DequantizeLinear', 10, (ctx) => {
  const { node } = ctx;
  const half = ctx.typeOf(node.inputs[1]!).dtype === 'float16';
  const [y] = ctx.emit('DequantizeLinear', [node.inputs[0]!, ...params(ctx)], quantAttrs(ctx), half ? 1 : node.outputs);
  if (half) ctx.emit('Cast', [y!], { to: 'float16' }, node.outputs);
});

registerHandler('DynamicQuantizeLinear', 11, (ctx) => {
  const { node } = ctx;
  const outputs = [0, 1, 2].map((i) => node.outputs[i] ?? '');
  if (ctx.typeOf(node.inputs[0]!).dtype !== 'float32') ctx.fail(`input has dtype ${ctx.typeOf(node.inputs[0]!).dtype}; DynamicQuantizeLinear takes float32`);
  if (outputs.every((o) => o)) {
    ctx.emit('DynamicQuantizeLinear', [node.inputs[0]!], {}, outputs);
    return;
  }
  // An omitted output gets a fresh name; the others are the node's.
  const made = ctx.emit('DynamicQuantizeLinear', [node.inputs[0]!], {}, 3);
  outputs.forEach((o, i) => { if (o) ctx.emit('Identity', [made[i]!], {}, [o]); });
});
