// DFT (opsets 17 and 20) expands into float64 Einsum products with constant cosine and sine tables
// (the transform length is static, so the tables are built at import time). float64 matters:
// upstream's expected values carry the small residues (1e-7) of an exact FFT of float32 data,
// which float32 sums of the same magnitude would round away.
// A complex tensor is [..., 2] (real, imaginary) and a real one [..., 1]. With e = exp(s*j*theta),
// theta = 2*pi*k*n/N and s = -1 forward, +1 inverse, (xr + j xi) e has real part xr*C - xi*S and
// imaginary part xr*S + xi*C, where C = cos(theta) and S = s*sin(theta) (scaled by 1/N inverse).
// Onesided forward keeps bins 0..N/2 (RFFT); onesided inverse reads bins 0..N/2 of a Hermitian
// spectrum and returns the real signal (IRFFT), each bin but 0 and N/2 counted twice.
import { Tensor, makeTensor, toNumbers } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { int64Vector } from './const-input.js';

interface Plan { inLength: number; n: number; inverse: boolean; onesided: boolean }

/** Output bins of a plan and the [inLength, bins] tables C and S. */
export function tables(p: Plan): { bins: number; c: Tensor; s: Tensor } {
  const irfft = p.inverse && p.onesided;
  const bins = irfft ? p.n : p.onesided ? Math.floor(p.n / 2) + 1 : p.n;
  const c = new Float64Array(p.inLength * bins), s = new Float64Array(p.inLength * bins);
  const sign = p.inverse ? 1 : -1, scale = p.inverse ? 1 / p.n : 1;
  // Input index i pairs with output index o; the spectrum index is i for inverse, o for forward.
  const used = irfft ? Math.min(p.inLength, Math.floor(p.n / 2) + 1) : Math.min(p.inLength, p.n);
  for (let i = 0; i < used; i++) {
    const twice = irfft && i !== 0 && 2 * i !== p.n ? 2 : 1;
    for (let o = 0; o < bins; o++) {
      const theta = (2 * Math.PI * ((i * o) % p.n)) / p.n;
      c[i * bins + o] = twice * scale * Math.cos(theta);
      s[i * bins + o] = twice * scale * sign * Math.sin(theta);
    }
  }
  return { bins, c: makeTensor('float64', [p.inLength, bins], c), s: makeTensor('float64', [p.inLength, bins], s) };
}

export function staticShape(ctx: HandlerContext, name: string): number[] {
  const { shape, dtype } = ctx.typeOf(name);
  if (dtype !== 'float32') ctx.fail(`input '${name}' has dtype ${dtype}; only float32 is supported`);
  if (shape.some((d) => typeof d !== 'number')) ctx.fail(`input '${name}' must have a static shape, got [${shape}]`);
  return shape as number[];
}

/** The integer value of an optional scalar input, or undefined when omitted. */
export function optionalScalar(ctx: HandlerContext, index: number, what: string): number | undefined {
  const name = ctx.node.inputs[index];
  if (!name) return undefined;
  const t = ctx.constantOf(name);
  if (!t) ctx.needValue(name, `${what} (input ${index}) must be a compile-time constant`);
  return toNumbers(t)[0];
}

/** Splits [..., 1|2] into its real and (possibly absent) imaginary parts, each [..., 1]. */
function complexParts(ctx: HandlerContext, x: string, rank: number, width: number): [string, string | undefined] {
  if (width === 1) return [x, undefined];
  if (width !== 2) ctx.fail(`the last dim must be 1 (real) or 2 (complex), got ${width}`);
  const part = (k: number) => ctx.emit('Slice', [x, ...[[k], [k + 1], [rank - 1]].map((v) => ctx.addConstant(int64Vector(v), 'part'))])[0]!;
  return [part(0), part(1)];
}

function emitDft(ctx: HandlerContext, axis: number, dftLength: number | undefined) {
  const { node } = ctx;
  const x = node.inputs[0]!;
  const shape = staticShape(ctx, x);
  const rank = shape.length;
  if (rank < 2) ctx.fail(`input rank ${rank} is too small; the last dim holds the real/imaginary parts`);
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank - 1) ctx.fail(`axis ${axis} is out of range for input rank ${rank} (the last dim is the complex one)`);
  const inverse = (node.attrs.inverse ?? 0) !== 0, onesided = (node.attrs.onesided ?? 0) !== 0;
  const inLength = shape[a]!;
  const n = dftLength ?? (inverse && onesided ? 2 * (inLength - 1) : inLength);
  if (!Number.isInteger(n) || n <= 0) ctx.fail(`dft_length must be a positive integer, got ${n}`);
  const [re, im] = complexParts(ctx, x, rank, shape[rank - 1]!);
  if (onesided && !inverse && im) ctx.fail('onesided forward DFT needs a real input');
  const { c, s } = tables({ inLength, n, inverse, onesided });
  // Swapping the transform axis with the trailing 1 puts it last for MatMul, and back.
  const perm = [...Array(rank).keys()];
  [perm[a], perm[rank - 1]] = [rank - 1, a];
  const swap = (v: string) => ctx.emit('Transpose', [v], { perm })[0]!;
  const letters = 'abcdefghijklmnopqrstuvwx'.slice(0, rank - 1);
  if (letters.length !== rank - 1) ctx.fail(`input rank ${rank} is too large`);
  const equation = `${letters}y,yz->${letters}z`;
  const times = (v: string, t: Tensor) => ctx.emit('Einsum', [v, ctx.addConstant(t, 'dft_table')], { equation })[0]!;
  const f64 = (v: string) => ctx.emit('Cast', [v], { to: 'float64' })[0]!;
  const [reT, imT] = [f64(swap(re)), im && f64(swap(im))];
  const realT = imT ? ctx.emit('Sub', [times(reT, c), times(imT, s)])[0]! : times(reT, c);
  const [y] = inverse && onesided ? [realT]
    : ctx.emit('Concat', [realT, imT ? ctx.emit('Add', [times(reT, s), times(imT, c)])[0]! : times(reT, s)], { axis: a });
  ctx.emit('Cast', [swap(y!)], { to: 'float32' }, node.outputs);
}

registerHandler('DFT', 17, (ctx) => emitDft(ctx, (ctx.node.attrs.axis as number | undefined) ?? 1, optionalScalar(ctx, 1, 'dft_length')));
registerHandler('DFT', 20, (ctx) => emitDft(ctx, optionalScalar(ctx, 2, 'axis') ?? -2, optionalScalar(ctx, 1, 'dft_length')));
