// MatMulInteger, ConvInteger and QLinearMatMul (opset 10) expand into float32 MatMul / Conv over
// zero-point-centred operands. This is exact: a centred 8-bit value lies in [-255, 255], so one
// product is below 2^16 and a float32 sum of up to 258 of them stays below 2^24, where float32
// still holds every integer. Longer reductions are split into chunks (MatMul over K, Conv over
// input channels) that are summed in int32. (QLinearConv takes the QDQ route: qlinear.ts.)
// QLinearMatMul then rescales in float64 as the spec's reference does: round(C * (sa * sb / sy))
// plus the output zero point, saturated to the 8-bit type. The scale product is computed in the
// scales' own dtype (float16 or float32), like the reference.
import { DType, Dim, makeTensor } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { OnnxImportError } from '../errors.js';
import { int64Vector } from './const-input.js';
import { resolveWindow } from './window-attrs.js';

/** Most 255*255 products whose float32 sum is still exact. */
const EXACT_TERMS = Math.floor(2 ** 24 / (255 * 255));
const RANGES: Partial<Record<DType, [number, number]>> = { int8: [-128, 127], uint8: [0, 255] };

function expectInt8(ctx: HandlerContext, name: string): DType {
  const { dtype } = ctx.typeOf(name);
  if (!RANGES[dtype]) ctx.fail(`input '${name}' has dtype ${dtype}; only int8 and uint8 are supported`);
  return dtype;
}

/** x - zp in float32; a 1-D zero point of length > 1 is reshaped to `zpShape` to broadcast per row/channel. */
function centred(ctx: HandlerContext, x: string, zp: string | undefined, zpShape: (n: number) => number[]): string {
  expectInt8(ctx, x);
  const [xf] = ctx.emit('Cast', [x], { to: 'float32' });
  if (!zp) return xf!;
  expectInt8(ctx, zp);
  const zpDims = ctx.typeOf(zp).shape;
  let z = ctx.emit('Cast', [zp], { to: 'float32' })[0]!;
  if (zpDims.length === 1 && zpDims[0] !== 1) {
    if (typeof zpDims[0] !== 'number') ctx.fail(`zero point '${zp}' must have a static length`);
    z = ctx.emit('Reshape', [z, ctx.addConstant(int64Vector(zpShape(zpDims[0] as number)), 'zp_shape')])[0]!;
  }
  return ctx.emit('Sub', [xf!, z])[0]!;
}

function staticDim(ctx: HandlerContext, d: Dim | undefined, what: string): number {
  if (typeof d !== 'number') ctx.fail(`${what} must be static, got ${String(d)}`);
  return d;
}

/** The exact int32 product of two centred float32 operands, chunking the reduction axis. */
function integerMatMul(ctx: HandlerContext, a: string, b: string, out?: string[]): string {
  const k = staticDim(ctx, ctx.typeOf(a).shape.at(-1), 'the reduction dim');
  if (k <= EXACT_TERMS) {
    const [c] = ctx.emit('MatMul', [a, b]);
    return ctx.emit('Cast', [c!], { to: 'int32' }, out)[0]!;
  }
  const chunks: string[] = [];
  for (let s = 0; s < k; s += EXACT_TERMS) {
    const bounds = (axis: number) => [int64Vector([s]), int64Vector([Math.min(s + EXACT_TERMS, k)]), int64Vector([axis])]
      .map((t) => ctx.addConstant(t, 'chunk'));
    const [as] = ctx.emit('Slice', [a, ...bounds(-1)]);
    const [bs] = ctx.emit('Slice', [b, ...bounds(-2)]);
    const [c] = ctx.emit('MatMul', [as!, bs!]);
    chunks.push(ctx.emit('Cast', [c!], { to: 'int32' })[0]!);
  }
  let sum = chunks[0]!;
  for (let i = 1; i < chunks.length; i++) sum = ctx.emit('Add', [sum, chunks[i]!], {}, i === chunks.length - 1 ? out : 1)[0]!;
  return sum;
}

/** The exact int32 conv of two centred float32 operands; a long reduction is split over input channels. */
function integerConv(ctx: HandlerContext, x: string, w: string, out?: string[]): string {
  const { node } = ctx;
  const xs = ctx.typeOf(x).shape, ws = ctx.typeOf(w).shape;
  if (xs.length < 3) ctx.fail(`input has rank ${xs.length}; expected N, C and at least one spatial axis`);
  const kernel = Array.isArray(node.attrs.kernel_shape) ? (node.attrs.kernel_shape as number[]) : ws.slice(2).map((d) => staticDim(ctx, d, 'the weights\' spatial shape'));
  const taps = kernel.reduce((p, d) => p * d, 1);
  const channels = staticDim(ctx, ws[1], 'the weights\' channel dim');
  const group = (node.attrs.group as number | undefined) ?? 1;
  const perChunk = Math.floor(EXACT_TERMS / taps);
  const attrs = { ...resolveWindow(ctx, xs.slice(2), kernel), group };
  if (channels <= perChunk) {
    const [c] = ctx.emit('Conv', [x, w], attrs);
    return ctx.emit('Cast', [c!], { to: 'int32' }, out)[0]!;
  }
  if (group !== 1 || perChunk === 0) {
    throw new OnnxImportError('UNSUPPORTED_OP', `${node.opType} node '${node.name}': each output sums ${channels * taps} products over ${group === 1 ? 'a window' : 'grouped channels'} too large to split exactly (at most ${EXACT_TERMS} per part)`, { node: node.name, op: node.opType });
  }
  const parts: string[] = [];
  for (let s = 0; s < channels; s += perChunk) {
    const bounds = [int64Vector([s]), int64Vector([Math.min(s + perChunk, channels)]), int64Vector([1])].map((t) => ctx.addConstant(t, 'chunk'));
    const [xc] = ctx.emit('Slice', [x, ...bounds]);
    const [wc] = ctx.emit('Slice', [w, ...bounds]);
    const [c] = ctx.emit('Conv', [xc!, wc!], attrs);
    parts.push(ctx.emit('Cast', [c!], { to: 'int32' })[0]!);
  }
  let sum = parts[0]!;
  for (let i = 1; i < parts.length; i++) sum = ctx.emit('Add', [sum, parts[i]!], {}, i === parts.length - 1 ? out : 1)[0]!;
  return sum;
}

/**
 * The IR's MatMulInteger (the integer kernel) when it can take the product: 8-bit a with a static
 * shape, b a 2-D 8-bit constant (weights, packed at compile time), a's zero point one value, b's
 * one value or one per column. Returns the int32 result, or undefined for the expansion below.
 */
export function integerKernelMatMul(ctx: HandlerContext, a: string, b: string, azp: string | undefined, bzp: string | undefined, out?: string[]): string | undefined {
  const at = ctx.typeOf(a), bt = ctx.typeOf(b);
  if (!RANGES[at.dtype] || !RANGES[bt.dtype] || !ctx.constantOf(b) || bt.shape.length !== 2 || at.shape.length < 2) return undefined;
  if (!at.shape.every((d) => typeof d === 'number') || at.shape.at(-1) !== bt.shape[0]) return undefined;
  const count = (v: string) => ctx.typeOf(v).shape.reduce<number>((p, d) => p * (typeof d === 'number' ? d : NaN), 1);
  if (azp && (ctx.typeOf(azp).dtype !== at.dtype || count(azp) !== 1)) return undefined;
  if (bzp && (ctx.typeOf(bzp).dtype !== bt.dtype || !ctx.constantOf(bzp) || ![1, bt.shape[1]].includes(count(bzp)) || ctx.typeOf(bzp).shape.length > 1)) return undefined;
  const inputs = [a, b, azp ?? '', bzp ?? ''];
  while (!inputs.at(-1)) inputs.pop();
  return ctx.emit('MatMulInteger', inputs, {}, out)[0]!;
}

registerHandler('MatMulInteger', 10, (ctx) => {
  const [a, b, azp, bzp] = ctx.node.inputs;
  if (integerKernelMatMul(ctx, a!, b!, azp || undefined, bzp || undefined, ctx.node.outputs)) return;
  const a0 = centred(ctx, a!, azp || undefined, (m) => [m, 1]);
  const b0 = centred(ctx, b!, bzp || undefined, (n) => [n]);
  integerMatMul(ctx, a0, b0, ctx.node.outputs);
});

registerHandler('ConvInteger', 10, (ctx) => {
  const [x, w, xzp, wzp] = ctx.node.inputs;
  const rank = ctx.typeOf(w!).shape.length;
  const x0 = centred(ctx, x!, xzp || undefined, (n) => [n]);
  const w0 = centred(ctx, w!, wzp || undefined, (m) => [m, ...new Array(rank - 1).fill(1)]);
  integerConv(ctx, x0, w0, ctx.node.outputs);
});

/** round(c * sa * sb / sy) + zp, saturated to the output type; c is int32. */
function requantize(ctx: HandlerContext, c: string, scales: [string, string, string], zp: string | undefined, to: DType): void {
  const [sa, sb, sy] = scales;
  const [ab] = ctx.emit('Mul', [sa, sb]);
  const [s] = ctx.emit('Div', [ab!, sy]);
  const f64 = (v: string) => ctx.emit('Cast', [v], { to: 'float64' })[0]!;
  const [scaled] = ctx.emit('Mul', [f64(c), f64(s!)]);
  let r = ctx.emit('Round', [scaled!])[0]!;
  if (zp) r = ctx.emit('Add', [r, f64(zp)])[0]!;
  const [lo, hi] = RANGES[to]!;
  const bound = (v: number) => ctx.addConstant(makeTensor('float64', [], [v]), 'qbound');
  const [clipped] = ctx.emit('Clip', [r, bound(lo), bound(hi)]);
  ctx.emit('Cast', [clipped!], { to }, ctx.node.outputs);
}

function scalesOf(ctx: HandlerContext, names: string[]): [string, string, string] {
  const dtypes = new Set(names.map((n) => ctx.typeOf(n).dtype));
  if (dtypes.size !== 1 || ![...dtypes].every((d) => d === 'float32' || d === 'float16')) ctx.fail(`scales must all be float32 or all float16, got ${[...dtypes].join(', ')}`);
  return names as [string, string, string];
}

registerHandler('QLinearMatMul', 10, (ctx) => {
  const [a, sa, azp, b, sb, bzp, sy, yzp] = ctx.node.inputs;
  const a0 = centred(ctx, a!, azp || undefined, (m) => [m, 1]);
  const b0 = centred(ctx, b!, bzp || undefined, (n) => [n]);
  const c = integerMatMul(ctx, a0, b0);
  requantize(ctx, c, scalesOf(ctx, [sa!, sb!, sy!]), yzp || undefined, yzp ? expectInt8(ctx, yzp) : expectInt8(ctx, a!));
});
