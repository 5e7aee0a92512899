// QuantizeLinear / DequantizeLinear (opsets 10 to 25) for 2- to 16-bit integers and float8/float4e2m1, per tensor, per
// axis or blocked: the IR ops of the same name, computed in float32 (float16 x or scale are cast
// in and the float16 result cast out). The quantized type is the zero point's, else
// output_dtype, else uint8. `saturate` (float8 targets) passes through.
// DynamicQuantizeLinear (11) expands into its definition: scale = (max(x, 0) - min(x, 0)) / 255,
// zero_point = saturate(round(-min(x, 0) / scale)), then QuantizeLinear to uint8.
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
  const [y, yScale, yZeroPoint] = node.outputs;
  const x = node.inputs[0]!;
  const scalar = (v: number, hint: string) => ctx.addConstant(makeTensor('float32', [], [v]), hint);
  const zero = scalar(0, 'zero');
  const [lo] = ctx.emit('ReduceMin', [x], { axes: [], keepdims: 0, noop_with_empty_axes: 0 });
  const [hi] = ctx.emit('ReduceMax', [x], { axes: [], keepdims: 0, noop_with_empty_axes: 0 });
  const [lo0] = ctx.emit('Min', [lo!, zero]);
  const [hi0] = ctx.emit('Max', [hi!, zero]);
  const [range] = ctx.emit('Sub', [hi0!, lo0!]);
  const [scale] = ctx.emit('Div', [range!, scalar(255, 'qrange')], {}, yScale ? [yScale] : 1);
  const [ratio] = ctx.emit('Div', [lo0!, scale!]);
  const [shifted] = ctx.emit('Sub', [zero, ratio!]);
  const [rounded] = ctx.emit('Round', [shifted!]);
  const [clipped] = ctx.emit('Clip', [rounded!, zero, scalar(255, 'qmax')]);
  const [zp] = ctx.emit('Cast', [clipped!], { to: 'uint8' }, yZeroPoint ? [yZeroPoint] : 1);
  ctx.emit('QuantizeLinear', [x, scale!, zp!], { axis: 1, block_size: 0, to: 'uint8', saturate: 1 }, y ? [y] : 1);
});
