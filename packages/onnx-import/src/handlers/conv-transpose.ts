// ConvTranspose (opsets 1, 11): resolves pads, auto_pad, output_padding and output_shape into the
// IR's pads_begin and output_shape. Without output_shape the output is
//   stride · (in - 1) + output_padding + (k - 1) · dilation + 1 - pad_begin - pad_end;
// with output_shape (or SAME_* auto_pad, whose output is in · stride) the total padding is what
// that formula leaves over, split as ONNX says: SAME_UPPER puts the smaller half first, every
// other mode the larger half (floor division, so a negative total works the same way).
import { registerHandler } from '../handler-registry.js';
import { intsAttr } from './const-input.js';

registerHandler('ConvTranspose', 1, (ctx) => {
  const { node } = ctx;
  const [x, w, b] = node.inputs;
  const xs = ctx.typeOf(x!).shape, ws = ctx.typeOf(w!).shape;
  const rank = xs.length - 2;
  if (rank < 1 || ws.length !== xs.length) ctx.fail(`X [${xs}] and W [${ws}] must have the same rank, at least 3`);
  const inSp = xs.slice(2), kernel = ws.slice(2);
  if ([...inSp, ...kernel].some((d) => typeof d !== 'number')) ctx.fail(`spatial dims of X [${xs}] and W [${ws}] must be static`);
  const kernelAttr = intsAttr(ctx, 'kernel_shape');
  if (kernelAttr && kernelAttr.join() !== kernel.join()) ctx.fail(`kernel_shape [${kernelAttr}] does not match W [${ws}]`);
  const ones = new Array<number>(rank).fill(1);
  const strides = intsAttr(ctx, 'strides') ?? ones, dilations = intsAttr(ctx, 'dilations') ?? ones;
  const outputPadding = intsAttr(ctx, 'output_padding') ?? new Array<number>(rank).fill(0);
  const autoPad = (node.attrs.auto_pad as string | undefined) ?? 'NOTSET';
  if (!['NOTSET', 'VALID', 'SAME_UPPER', 'SAME_LOWER'].includes(autoPad)) ctx.fail(`auto_pad '${autoPad}' is not supported`);
  let requested = intsAttr(ctx, 'output_shape');
  if (requested && requested.length === rank + 2) requested = requested.slice(2);
  if (requested && requested.length !== rank) ctx.fail(`output_shape [${requested}] must have ${rank} values`);
  const full = (a: number) => strides[a]! * ((inSp[a] as number) - 1) + outputPadding[a]! + ((kernel[a] as number) - 1) * dilations[a]! + 1;
  const padsBegin: number[] = [], outShape: number[] = [];
  for (let a = 0; a < rank; a++) {
    if (requested || autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      const out = requested ? requested[a]! : (inSp[a] as number) * strides[a]!;
      const total = full(a) - out;
      padsBegin.push(autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : total - Math.floor(total / 2));
      outShape.push(out);
    } else {
      const pads = autoPad === 'VALID' ? undefined : intsAttr(ctx, 'pads');
      padsBegin.push(pads?.[a] ?? 0);
      outShape.push(full(a) - (pads?.[a] ?? 0) - (pads?.[a + rank] ?? 0));
    }
  }
  const inputs = b ? [x!, w!, b] : [x!, w!];
  ctx.emit('ConvTranspose', inputs, { strides, dilations, group: node.attrs.group ?? 1, pads_begin: padsBegin, output_shape: outShape }, node.outputs);
});
