// Quantized operators in QOperator form, as onnxruntime's quantizer writes them (QLinearConv from
// ONNX; QGemm, QLinearAdd, QLinearMul, QLinearConcat, QLinearGlobalAveragePool, QLinearAveragePool,
// QLinearSigmoid, QLinearLeakyRelu, MatMulIntegerToFloat, DynamicQuantizeMatMul from com.microsoft).
// Each becomes its QDQ form: DequantizeLinear of each 8-bit input, the float op (through its own
// ONNX handler, so attributes mean the same), QuantizeLinear of the result. The optimizer's
// lower-qdq pass turns Conv/Gemm/MatMul in that form into exact integer sums with onnxruntime's
// requantization, so QDQ and QOperator models run the same integer code. Where onnxruntime's
// kernel computes in a particular float order (QLinearAdd's per-input scale ratios, the pools'
// integer sums), the expansion follows that order.
import { DType, makeTensor } from '@onnx2wasm/ir';
import { HandlerContext, OnnxNode, findHandler, makeContext, registerHandler } from '../handler-registry.js';
import { integerKernelMatMul } from './integer-matmul.js';

const MS = 'com.microsoft';
const EIGHT_BIT: readonly DType[] = ['int8', 'uint8'];

function fresh(ctx: HandlerContext) {
  return (hint: string) => {
    let n: string, k = 0;
    do n = `${hint}_q${k++}`; while (ctx.graph.types.has(n) || ctx.graph.constants.has(n));
    return n;
  };
}

function expect8(ctx: HandlerContext, v: string): DType {
  const { dtype } = ctx.typeOf(v);
  if (!EIGHT_BIT.includes(dtype)) ctx.fail(`input '${v}' has dtype ${dtype}; only int8 and uint8 are supported`);
  return dtype;
}

/** DequantizeLinear(x, scale, zp) along `axis` (a per-channel scale), in float32. */
function dq(ctx: HandlerContext, x: string, scale: string, zp: string | undefined, axis = 1): string {
  expect8(ctx, x);
  if (ctx.typeOf(scale).dtype !== 'float32') ctx.fail(`scale '${scale}' must be float32`);
  return ctx.emit('DequantizeLinear', zp ? [x, scale, zp] : [x, scale], { axis, block_size: 0 })[0]!;
}

/** QuantizeLinear of a float32 value into the node's output `k`; the type is the zero point's (else uint8). */
function q(ctx: HandlerContext, y: string, scale: string, zp: string | undefined, k = 0): void {
  const to = zp ? expect8(ctx, zp) : 'uint8';
  ctx.emit('QuantizeLinear', zp ? [y, scale, zp] : [y, scale], { axis: 1, block_size: 0, to, saturate: 1 }, [ctx.node.outputs[k]!]);
}

/** Runs the ONNX handler of `opType` on float inputs; returns its (first) output. */
function floatOp(ctx: HandlerContext, opType: string, inputs: string[], attrs: OnnxNode['attrs'], opset = 13): string {
  const handler = findHandler('', opType, opset)!;
  const name = fresh(ctx);
  const out = name(`${ctx.node.name}/${opType}`);
  handler(makeContext(ctx.graph, { name: `${ctx.node.name}/${opType}`, opType, domain: '', inputs, outputs: [out], attrs }, opset, name, ctx.tracedBatch));
  return out;
}

/** A float32 scalar constant computed now when the scales are constants (float32 steps, as onnxruntime). */
function scaleProduct(ctx: HandlerContext, a: string, b: string, op: 'Mul' | 'Div'): string {
  return ctx.emit(op, [a, b])[0]!;
}

registerHandler('QLinearConv', 10, (ctx) => {
  const [x, sx, xzp, w, sw, wzp, sy, yzp, bias] = ctx.node.inputs;
  const inputs = [dq(ctx, x!, sx!, xzp || undefined), dq(ctx, w!, sw!, wzp || undefined, 0)];
  if (bias) {
    if (ctx.typeOf(bias).dtype !== 'int32') ctx.fail(`bias '${bias}' must be int32`);
    inputs.push(ctx.emit('DequantizeLinear', [bias, scaleProduct(ctx, sx!, sw!, 'Mul')], { axis: 0, block_size: 0 })[0]!);
  }
  q(ctx, floatOp(ctx, 'Conv', inputs, ctx.node.attrs), sy!, yzp || undefined);
});

registerHandler('QGemm', 1, (ctx) => {
  const [a, sa, azp, b, sb, bzp, c, sy, yzp] = ctx.node.inputs;
  const transB = !!ctx.node.attrs.transB;
  const inputs = [dq(ctx, a!, sa!, azp || undefined), dq(ctx, b!, sb!, bzp || undefined, transB ? 0 : 1)];
  if (c) {
    if (ctx.typeOf(c).dtype !== 'int32') ctx.fail(`C '${c}' must be int32`);
    inputs.push(ctx.emit('DequantizeLinear', [c, scaleProduct(ctx, sa!, sb!, 'Mul')], { axis: 0, block_size: 0 })[0]!);
  }
  const y = floatOp(ctx, 'Gemm', inputs, { ...ctx.node.attrs, beta: 1 });
  if (sy) q(ctx, y, sy, yzp || undefined);
  else ctx.emit('Identity', [y], {}, [ctx.node.outputs[0]!]);
}, MS);

/** QLinearAdd / QLinearMul: onnxruntime scales each centred input by (its scale / the output's) first. */
for (const [op, floatName] of [['QLinearAdd', 'Add'], ['QLinearMul', 'Mul']] as const) {
  registerHandler(op, 1, (ctx) => {
    const [a, sa, azp, b, sb, bzp, sc, czp] = ctx.node.inputs;
    let y: string;
    if (floatName === 'Add') {
      const ra = scaleProduct(ctx, sa!, sc!, 'Div'), rb = scaleProduct(ctx, sb!, sc!, 'Div');
      y = ctx.emit('Add', [dq(ctx, a!, ra, azp || undefined), dq(ctx, b!, rb, bzp || undefined)])[0]!;
      q(ctx, y, ctx.addConstant(makeTensor('float32', [], [1]), 'one'), czp || undefined);
    } else {
      y = ctx.emit('Mul', [dq(ctx, a!, sa!, azp || undefined), dq(ctx, b!, sb!, bzp || undefined)])[0]!;
      q(ctx, y, sc!, czp || undefined);
    }
  }, MS);
}

registerHandler('QLinearConcat', 1, (ctx) => {
  const [sy, yzp, ...rest] = ctx.node.inputs;
  const parts: string[] = [];
  for (let i = 0; i + 2 < rest.length + 1; i += 3) parts.push(dq(ctx, rest[i]!, rest[i + 1]!, rest[i + 2] || undefined));
  q(ctx, ctx.emit('Concat', parts, { axis: ctx.node.attrs.axis ?? 1 })[0]!, sy!, yzp || undefined);
}, MS);

/** Global average: onnxruntime sums the integers and requantizes with sx / (sy * count). */
registerHandler('QLinearGlobalAveragePool', 1, (ctx) => {
  const [x, sx, xzp, sy, yzp] = ctx.node.inputs;
  const shape = ctx.typeOf(x!).shape;
  const channelsLast = !!ctx.node.attrs.channels_last;
  const spatial = channelsLast ? shape.slice(1, -1) : shape.slice(2);
  if (!spatial.every((d) => typeof d === 'number')) ctx.fail('the spatial dims must be static');
  const count = (spatial as number[]).reduce((p, d) => p * d, 1);
  const one = ctx.addConstant(makeTensor('float32', [], [1]), 'one');
  const axes = spatial.map((_, i) => (channelsLast ? 1 + i : 2 + i));
  const [sum] = ctx.emit('ReduceSum', [dq(ctx, x!, one, xzp || undefined)], { axes, keepdims: 1, noop_with_empty_axes: 0 });
  const [denominator] = ctx.emit('Mul', [sy!, ctx.addConstant(makeTensor('float32', [], [count]), 'count')]);
  const [m] = ctx.emit('Div', [sx!, denominator!]);
  q(ctx, ctx.emit('Mul', [sum!, m!])[0]!, one, yzp || undefined);
}, MS);

registerHandler('QLinearAveragePool', 1, (ctx) => {
  const [x, sx, xzp, sy, yzp] = ctx.node.inputs;
  if (ctx.node.attrs.channels_last) ctx.fail('channels_last=1 is not supported');
  const { channels_last: _, ...attrs } = ctx.node.attrs;
  q(ctx, floatOp(ctx, 'AveragePool', [dq(ctx, x!, sx!, xzp || undefined)], attrs, 19), sy!, yzp || undefined);
}, MS);

for (const [op, floatName] of [['QLinearSigmoid', 'Sigmoid'], ['QLinearLeakyRelu', 'LeakyRelu']] as const) {
  registerHandler(op, 1, (ctx) => {
    const [x, sx, xzp, sy, yzp] = ctx.node.inputs;
    q(ctx, floatOp(ctx, floatName, [dq(ctx, x!, sx!, xzp || undefined)], ctx.node.attrs), sy!, yzp || undefined);
  }, MS);
}

const elements = (ctx: HandlerContext, v: string) => ctx.typeOf(v).shape.reduce<number>((p, d) => p * (typeof d === 'number' ? d : NaN), 1);

/**
 * onnxruntime's MatMulIntegerToFloat on the integer kernel: the exact int32 sums of MatMulInteger,
 * as float32 times (sa · sb) plus the bias. Needs a per-tensor sa (a per-column one does not
 * factor out of the sum) and float32 scales; false when the kernel cannot take it.
 */
function integerToFloat(ctx: HandlerContext, a: string, b: string, sa: string, sb: string, azp: string | undefined, bzp: string | undefined, bias: string | undefined): boolean {
  if (ctx.typeOf(sa).dtype !== 'float32' || ctx.typeOf(sb).dtype !== 'float32' || elements(ctx, sa) !== 1 || ctx.typeOf(sb).shape.length > 1) return false;
  const acc = integerKernelMatMul(ctx, a, b, azp, bzp);
  if (!acc) return false;
  const [scale] = ctx.emit('Mul', [sa, sb]);
  const [f] = ctx.emit('Cast', [acc], { to: 'float32' });
  const out = [ctx.node.outputs[0]!];
  const [y] = ctx.emit('Mul', [f!, scale!], {}, bias ? 1 : out);
  if (bias) ctx.emit('Add', [y!, bias], {}, out);
  return true;
}

/** A · B with both 8-bit, then times the scales and plus an optional float bias: float out. */
registerHandler('MatMulIntegerToFloat', 1, (ctx) => {
  const [a, b, sa, sb, azp, bzp, bias] = ctx.node.inputs;
  if (integerToFloat(ctx, a!, b!, sa!, sb!, azp || undefined, bzp || undefined, bias || undefined)) return;
  const bAxis = ctx.typeOf(b!).shape.length - 1;
  let y = floatOp(ctx, 'MatMul', [dq(ctx, a!, sa!, azp || undefined), dq(ctx, b!, sb!, bzp || undefined, bAxis)], {});
  if (bias) y = ctx.emit('Add', [y, bias])[0]!;
  ctx.emit('Identity', [y], {}, [ctx.node.outputs[0]!]);
}, MS);

/** Float A quantized per tensor at run time (DynamicQuantizeLinear), times 8-bit B. */
registerHandler('DynamicQuantizeMatMul', 1, (ctx) => {
  const [a, b, sb, bzp, bias] = ctx.node.inputs;
  const dyn = findHandler('', 'DynamicQuantizeLinear', 11)!;
  const name = fresh(ctx);
  const [qa, qs, qz] = ['a_q', 'a_scale', 'a_zp'].map((h) => name(`${ctx.node.name}/${h}`));
  dyn(makeContext(ctx.graph, { name: `${ctx.node.name}/quantize`, opType: 'DynamicQuantizeLinear', domain: '', inputs: [a!], outputs: [qa!, qs!, qz!], attrs: {} }, 11, name, ctx.tracedBatch));
  if (integerToFloat(ctx, qa!, b!, qs!, sb!, qz!, bzp || undefined, bias || undefined)) return;
  const bAxis = ctx.typeOf(b!).shape.length - 1;
  let y = floatOp(ctx, 'MatMul', [dq(ctx, qa!, qs!, qz!), dq(ctx, b!, sb!, bzp || undefined, bAxis)], {});
  if (bias) y = ctx.emit('Add', [y, bias])[0]!;
  ctx.emit('Identity', [y], {}, [ctx.node.outputs[0]!]);
}, MS);
