// Normalizes the window attributes shared by Conv and the pooling ops into the IR's explicit form:
// auto_pad becomes explicit pads computed from the input's spatial shape, defaults are filled in.
import { Attrs, Dim } from '@onnx2wasm/ir';
import { OnnxImportError } from '../errors.js';
import { HandlerContext } from '../handler-registry.js';

function ints(ctx: HandlerContext, name: string, dflt: number[]): number[] {
  const v = ctx.node.attrs[name];
  if (v === undefined || v === null) return dflt;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) ctx.fail(`attribute '${name}' must be a list of integers`);
  return v as number[];
}

export function unsupportedAttr(ctx: HandlerContext, what: string): never {
  const { node } = ctx;
  throw new OnnxImportError('UNSUPPORTED_OP', `${node.opType} node '${node.name}': ${what} is not supported`, { node: node.name, op: node.opType });
}

/**
 * kernel_shape, strides, dilations and explicit pads for `spatial` (the input's spatial dims).
 * SAME_* pads follow the ONNX rule: output = ceil(in / stride), the odd pad going to the end
 * (SAME_UPPER) or the beginning (SAME_LOWER).
 */
export function resolveWindow(ctx: HandlerContext, spatial: Dim[], kernel: number[]): Attrs {
  const rank = spatial.length;
  if (kernel.length !== rank) ctx.fail(`kernel_shape [${kernel}] has ${kernel.length} axes; the input has ${rank} spatial axes`);
  const strides = ints(ctx, 'strides', new Array(rank).fill(1));
  const dilations = ints(ctx, 'dilations', new Array(rank).fill(1));
  const autoPad = ctx.node.attrs.auto_pad ?? 'NOTSET';
  let pads: number[];
  if (autoPad === 'NOTSET') {
    pads = ints(ctx, 'pads', new Array(2 * rank).fill(0));
  } else if (autoPad === 'VALID') {
    pads = new Array(2 * rank).fill(0);
  } else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    pads = new Array(2 * rank).fill(0);
    spatial.forEach((d, a) => {
      const s = strides[a] ?? 1, span = (dilations[a] ?? 1) * (kernel[a]! - 1) + 1;
      if (typeof d !== 'number') {
        // With stride 1 the total pad does not depend on the input size.
        if (s !== 1) throw new OnnxImportError('DYNAMIC_SHAPE', `${ctx.node.opType} node '${ctx.node.name}': auto_pad ${autoPad} with stride ${s} needs a static spatial size; axis ${a} is '${d}' (pin the input shape)`, { node: ctx.node.name, op: ctx.node.opType });
      }
      const total = typeof d === 'number' ? Math.max(0, (Math.ceil(d / s) - 1) * s + span - d) : span - 1;
      const small = Math.floor(total / 2);
      pads[a] = autoPad === 'SAME_UPPER' ? small : total - small;
      pads[a + rank] = total - pads[a]!;
    });
  } else {
    unsupportedAttr(ctx, `auto_pad '${String(autoPad)}'`);
  }
  return { kernel_shape: kernel, strides, pads, dilations };
}
