// Resize (opsets 10, 11, 13, 18, 19) and Upsample (7, 9) → the IR Resize, whose output dims and
// per-axis scales are attributes when scales / sizes / roi are constants (initializers, Constant
// nodes, or inputs pinned at compile time); otherwise they are the IR node's inputs, read at run
// time by its kernel (emitRunTimeResize). Sizes with keep_aspect_ratio_policy use one scale for
// all listed axes and round the sizes half up; scales give floor(scale · input) outputs. The
// opset 10 Resize and Upsample map output x to x / scale (asymmetric) and take the nearest input
// by floor, or by ceil when downsampling, as onnxruntime does.
import { Attrs, Tensor, toNumbers } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';

/** The values of optional constant input `i`; undefined when omitted or empty. */
function constValues(ctx: HandlerContext, i: number, what: string): number[] | undefined {
  const name = ctx.node.inputs[i];
  if (!name) return undefined;
  const t: Tensor | undefined = ctx.constantOf(name);
  if (!t) return ctx.needValue(name, `${what} (input ${i}, '${name}') must be a compile-time constant`);
  return t.data.length ? toNumbers(t) : undefined;
}

interface ResizeRequest {
  scales?: number[];
  sizes?: number[];
  roi?: number[];
  axes?: number[];
  policy?: string;
  attrs: Attrs;
}

function emitResize(ctx: HandlerContext, r: ResizeRequest): void {
  const x = ctx.node.inputs[0]!;
  const dims = ctx.typeOf(x).shape;
  if (dims.some((d) => typeof d !== 'number')) ctx.fail(`input shape [${dims}] must be static`);
  const inDims = dims as number[], rank = inDims.length;
  const axes = (r.axes ?? inDims.map((_, a) => a)).map((a) => (a < 0 ? a + rank : a));
  if (axes.some((a) => a < 0 || a >= rank) || new Set(axes).size !== axes.length) ctx.fail(`axes [${r.axes}] are invalid for rank ${rank}`);
  const listed = r.sizes ?? r.scales;
  if (!listed) return ctx.fail('one of scales and sizes is required');
  if (listed.length !== axes.length) ctx.fail(`${r.sizes ? 'sizes' : 'scales'} has ${listed.length} values for ${axes.length} axes`);
  const scales = inDims.map(() => 1), sizes = [...inDims];
  if (r.sizes) {
    const ratios = axes.map((a, i) => r.sizes![i]! / inDims[a]!);
    const policy = r.policy ?? 'stretch';
    if (!['stretch', 'not_larger', 'not_smaller'].includes(policy)) ctx.fail(`keep_aspect_ratio_policy '${policy}' is not supported`);
    const common = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
    axes.forEach((a, i) => {
      scales[a] = policy === 'stretch' ? ratios[i]! : common;
      sizes[a] = policy === 'stretch' ? r.sizes![i]! : Math.floor(common * inDims[a]! + 0.5);
    });
  } else {
    axes.forEach((a, i) => { scales[a] = r.scales![i]!; sizes[a] = Math.floor(r.scales![i]! * inDims[a]!); });
  }
  if (scales.some((s) => !(s > 0))) ctx.fail(`scales [${scales}] must be positive`);
  const attrs: Attrs = { ...r.attrs, sizes, scales };
  if (r.attrs.coordinate_transformation_mode === 'tf_crop_and_resize') {
    const roi = [...inDims.map(() => 0), ...inDims.map(() => 1)];
    if (r.roi) {
      if (r.roi.length !== 2 * axes.length) ctx.fail(`roi has ${r.roi.length} values; expected ${2 * axes.length}`);
      axes.forEach((a, i) => { roi[a] = r.roi![i]!; roi[rank + a] = r.roi![axes.length + i]!; });
    }
    attrs.roi = roi;
  }
  // The kernel is float32. float16 and, for nearest (a pure copy), 8/16-bit integers are exact in
  // float32, so they go through Casts; other element types are refused.
  const dtype = ctx.typeOf(x).dtype;
  if (dtype === 'float32') return void ctx.emit('Resize', [x], attrs, ctx.node.outputs);
  const exact = dtype === 'float16' || (attrs.mode === 'nearest' && ['int8', 'uint8', 'int16', 'uint16'].includes(dtype));
  if (!exact) ctx.fail(`${String(attrs.mode)} resizing of ${dtype} is not supported`);
  const [wide] = ctx.emit('Cast', [x], { to: 'float32' });
  const [resized] = ctx.emit('Resize', [wide!], attrs);
  ctx.emit('Cast', [resized!], { to: dtype }, ctx.node.outputs);
}

/** The interpolation attributes shared by every opset from 11 on. */
function modeAttrs(ctx: HandlerContext): Attrs {
  const a = ctx.node.attrs;
  const mode = a.mode ?? 'nearest';
  if (a.coordinate_transformation_mode === 'tf_half_pixel_for_nn') ctx.fail("coordinate_transformation_mode 'tf_half_pixel_for_nn' is not supported");
  return {
    mode: mode as string,
    coordinate_transformation_mode: a.coordinate_transformation_mode ?? 'half_pixel',
    nearest_mode: a.nearest_mode ?? 'round_prefer_floor',
    cubic_coeff_a: a.cubic_coeff_a ?? -0.75,
    exclude_outside: a.exclude_outside ?? 0,
    extrapolation_value: a.extrapolation_value ?? 0,
    antialias: a.antialias ?? 0,
  };
}

/** Opset 10 Resize and Upsample: asymmetric mapping, nearest by floor (ceil when downsampling). */
function legacy(ctx: HandlerContext, scales: number[] | undefined): void {
  if (!scales) return ctx.fail('scales are required');
  const mode = (ctx.node.attrs.mode as string | undefined) ?? 'nearest';
  if (mode !== 'nearest' && mode !== 'linear') ctx.fail(`mode '${mode}' is not supported (nearest or linear)`);
  const down = scales.some((s) => s < 1);
  if (down && mode === 'nearest' && scales.some((s) => s > 1)) ctx.fail(`nearest resizing that both up- and downsamples (scales [${scales}]) is not supported`);
  const attrs: Attrs = { mode, coordinate_transformation_mode: 'asymmetric', nearest_mode: down ? 'ceil' : 'floor', cubic_coeff_a: -0.75, exclude_outside: 0, extrapolation_value: 0, antialias: 0 };
  emitResize(ctx, { scales, attrs });
}

registerHandler('Upsample', 7, (ctx) => {
  const s = ctx.node.attrs.scales;
  legacy(ctx, Array.isArray(s) ? (s as number[]) : undefined);
});

/** A scales, sizes or roi input known only at run time: a 1-D tensor of static length (undefined: constant or omitted). */
function runTimeInput(ctx: HandlerContext, i: number): string | undefined {
  const name = ctx.node.inputs[i];
  if (!name || ctx.constantOf(name)) return undefined;
  const t = ctx.typeOf(name);
  return t.shape.length === 1 && typeof t.shape[0] === 'number' && t.shape[0] > 0 ? name : undefined;
}

/** Input `i` when given and not empty (a run-time Resize takes constant ones as inputs too). */
function given(ctx: HandlerContext, i: number): string | undefined {
  const name = ctx.node.inputs[i];
  if (!name) return undefined;
  const t = ctx.constantOf(name);
  return t && !t.data.length ? undefined : name;
}

/**
 * Resizing with scales, sizes or roi read at run time (any mode): the IR Resize takes them as
 * inputs and its kernel computes the output dims and the taps of every output position at run
 * time. False when the inputs are not in a form that kernel reads (then they must be constants).
 */
function emitRunTimeResize(ctx: HandlerContext, scales: string | undefined, sizes: string | undefined, roi: string | undefined, attrs: Attrs): boolean {
  const x = ctx.node.inputs[0]!;
  const { dtype, shape } = ctx.typeOf(x);
  if ((scales && sizes) || (!scales && !sizes)) return false;
  if (sizes && ctx.typeOf(sizes).dtype !== 'int64') return false;
  if (scales && ctx.typeOf(scales).dtype !== 'float32') return false;
  const rank = shape.length, a = ctx.node.attrs.axes;
  const axes = (Array.isArray(a) ? (a as number[]) : shape.map((_, k) => k)).map((k) => (k < 0 ? k + rank : k));
  if (axes.some((k) => k < 0 || k >= rank) || new Set(axes).size !== axes.length) ctx.fail(`axes [${axes}] are invalid for rank ${rank}`);
  const listed = ctx.typeOf((scales ?? sizes)!).shape;
  if (listed.length !== 1 || listed[0] !== axes.length) ctx.fail(`${scales ? 'scales' : 'sizes'} must have ${axes.length} values`);
  const crop = attrs.coordinate_transformation_mode === 'tf_crop_and_resize';
  if (crop && roi) {
    const r = ctx.typeOf(roi);
    if (r.dtype !== 'float32') return false;
    if (r.shape.length !== 1 || r.shape[0] !== 2 * axes.length) ctx.fail(`roi has shape [${r.shape}]; expected [${2 * axes.length}]`);
  }
  const policy = (ctx.node.attrs.keep_aspect_ratio_policy as string | undefined) ?? 'stretch';
  if (!['stretch', 'not_larger', 'not_smaller'].includes(policy)) ctx.fail(`keep_aspect_ratio_policy '${policy}' is not supported`);
  const full: Attrs = { ...attrs, axes, keep_aspect_ratio_policy: policy };
  const inputs = (v: string) => (crop && roi ? [v, scales ?? '', sizes ?? '', roi] : [v, scales ?? '', sizes ?? '']);
  if (dtype === 'float32') { ctx.emit('Resize', inputs(x), full, ctx.node.outputs); return true; }
  const exact = dtype === 'float16' || (attrs.mode === 'nearest' && ['int8', 'uint8', 'int16', 'uint16'].includes(dtype));
  if (!exact) return false;
  const [wide] = ctx.emit('Cast', [x], { to: 'float32' });
  const [resized] = ctx.emit('Resize', inputs(wide!), full);
  ctx.emit('Cast', [resized!], { to: dtype }, ctx.node.outputs);
  return true;
}

/** Opset-10 Resize and Upsample-9 with run-time scales: nearest by floor, or ceil on an axis that downsamples. */
function legacyRunTime(ctx: HandlerContext): boolean {
  const scales = runTimeInput(ctx, 1);
  if (!scales) return false;
  const mode = (ctx.node.attrs.mode as string | undefined) ?? 'nearest';
  if (mode !== 'nearest' && mode !== 'linear') ctx.fail(`mode '${mode}' is not supported (nearest or linear)`);
  const attrs: Attrs = { mode, coordinate_transformation_mode: 'asymmetric', nearest_mode: 'simple', cubic_coeff_a: -0.75, exclude_outside: 0, extrapolation_value: 0, antialias: 0 };
  return emitRunTimeResize(ctx, scales, undefined, undefined, attrs);
}

registerHandler('Upsample', 9, (ctx) => legacyRunTime(ctx) || legacy(ctx, constValues(ctx, 1, 'scales')));
registerHandler('Resize', 10, (ctx) => legacyRunTime(ctx) || legacy(ctx, constValues(ctx, 1, 'scales')));

registerHandler('Resize', 11, (ctx) => {
  const a = ctx.node.attrs;
  const crop = a.coordinate_transformation_mode === 'tf_crop_and_resize';
  const scalesAt = runTimeInput(ctx, 2), sizesAt = runTimeInput(ctx, 3), roiAt = crop ? runTimeInput(ctx, 1) : undefined;
  if ((scalesAt || sizesAt || roiAt) && emitRunTimeResize(ctx, given(ctx, 2), given(ctx, 3), crop ? given(ctx, 1) : undefined, modeAttrs(ctx))) return;
  emitResize(ctx, {
    roi: a.coordinate_transformation_mode === 'tf_crop_and_resize' ? constValues(ctx, 1, 'roi') : undefined,
    scales: constValues(ctx, 2, 'scales'),
    sizes: constValues(ctx, 3, 'sizes'),
    axes: Array.isArray(a.axes) ? (a.axes as number[]) : undefined,
    policy: a.keep_aspect_ratio_policy as string | undefined,
    attrs: modeAttrs(ctx),
  });
});
